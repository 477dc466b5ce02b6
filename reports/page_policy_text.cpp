// The report page: the policy text, part by part, every encoded sentence
// linked to its criteria (reports layer).
#include "reports/page_writer.h"

namespace pp::reports::page {

// ---------------------------------------------------------------- the policy text

std::string PageWriter::target_title(const Target& t) const {
  switch (t.kind) {
    case TargetKind::Criterion: return p_.criteria[static_cast<size_t>(t.index)].id;
    case TargetKind::Category: return "exclusion category " + p_.categories[static_cast<size_t>(t.index)].id;
    case TargetKind::Decision: return "the decision rule";
    case TargetKind::DefaultDenial: return "the default denial";
    case TargetKind::Definition: return "definition: " + p_.definitions[static_cast<size_t>(t.index)].term;
    case TargetKind::Code: return "code " + p_.codes[static_cast<size_t>(t.index)].code;
  }
  return "";
}

void PageWriter::target_link(const Target& t) {
  switch (t.kind) {
    case TargetKind::Criterion: crit_link(t.index); return;
    case TargetKind::Category: {
      const auto& cat = p_.categories[static_cast<size_t>(t.index)];
      f("<a href=\"#{}\">category <code>", escape(category_anchor(cat.id)));
      text(cat.id);
      raw("</code></a>");
      return;
    }
    case TargetKind::Decision: raw("<a href=\"#decision-rule\">decision rule</a>"); return;
    case TargetKind::DefaultDenial: raw("<a href=\"#default-denial\">default denial</a>"); return;
    case TargetKind::Definition: {
      const auto& def = p_.definitions[static_cast<size_t>(t.index)];
      f("<a href=\"#{}\">definition</a>", escape(definition_anchor(def)));
      return;
    }
    case TargetKind::Code: {
      const auto& code = p_.codes[static_cast<size_t>(t.index)];
      f("<a href=\"#{}\">code {}</a>", escape(code_anchor(code)), escape(code.code));
      return;
    }
  }
}

// One cell's text: encoded stretches marked (with the ids they encode as a
// tooltip), the rest plain, or marked as not encoded in a partly encoded block.
void PageWriter::styled_cell(const Block& b, const BlockTrace& bt, int cell) {
  const StyledText& st = b.cells[static_cast<size_t>(cell)];
  const std::string& s = st.text;
  bool partial = bt.coverage == Coverage::Partial;
  auto key_at = [&](size_t x) {
    std::string k;
    for (const auto& sp : bt.spans)
      if (sp.cell == cell && sp.begin <= x && x < sp.end) {
        k += sp.target.kind == TargetKind::Definition || sp.target.kind == TargetKind::Code ? "D:" : "E:";
        k += target_title(sp.target);
        k += '\n';
      }
    return k;
  };
  size_t x = 0;
  while (x < s.size()) {
    std::string key = key_at(x);
    std::uint8_t style = st.style[x];
    size_t y = x + 1;
    while (y < s.size() && st.style[y] == style && key_at(y) == key) ++y;
    // Never split a UTF-8 sequence.
    while (y < s.size() && (static_cast<unsigned char>(s[y]) & 0xC0) == 0x80) ++y;
    std::string_view run(s.data() + x, y - x);
    const char* wrap = nullptr;
    std::string title;
    bool blank = run.find_first_not_of(" \t") == std::string_view::npos;
    if (!key.empty() && !blank) {
      bool enc = key.find("E:") != std::string::npos;
      wrap = enc ? "mark" : "span";
      size_t a = 0;
      while (a < key.size()) {
        size_t nl = key.find('\n', a);
        if (!title.empty()) title += ", ";
        title += key.substr(a + 2, nl - a - 2);
        a = nl + 1;
      }
      f("<{} class=\"{}\" title=\"{}\">", wrap, enc ? "enc" : "data", escape(title));
    } else if (partial && run.find_first_not_of(" ,.;:()") != std::string_view::npos) {
      wrap = "span";
      raw("<span class=\"unenc\" title=\"not encoded by any criterion\">");
    }
    if (style & kBold) raw("<strong>");
    if (style & kItalic) raw("<em>");
    if (style & kSup) raw("<sup>");
    text(run);
    if (style & kSup) raw("</sup>");
    if (style & kItalic) raw("</em>");
    if (style & kBold) raw("</strong>");
    if (wrap) f("</{}>", wrap);
    x = y;
  }
}

void PageWriter::block(const Block& b, const BlockTrace& bt, bool as_item) {
  std::string cls = std::string("blk cov-") + to_string(bt.coverage);
  if (b.kind == BlockKind::Bullet || b.kind == BlockKind::Numbered) cls += " d" + std::to_string(std::min(b.depth, 4));
  const char* tag = as_item ? "li" : b.kind == BlockKind::Heading ? "h4" : "p";
  f("<{} class=\"{}\" id=\"{}\"", tag, cls, block_anchor(b));
  if (b.kind == BlockKind::Numbered) f(" value=\"{}\"", escape(b.number));
  raw(">");
  if (b.kind == BlockKind::SectionId) {
    raw("Section <code>");
    text(b.plain());
    raw("</code>");
  } else {
    for (size_t c = 0; c < b.cells.size(); ++c) {
      if (c) raw(b.cells[c].text.empty() ? "" : " <span class=\"sep\">&#8212;</span> ");
      styled_cell(b, bt, static_cast<int>(c));
    }
  }
  // What it encodes, and the ambiguities in it.
  std::vector<Target> targets;
  for (const auto& sp : bt.spans)
    if (std::find(targets.begin(), targets.end(), sp.target) == targets.end()) targets.push_back(sp.target);
  if (!targets.empty() || !bt.ambiguities.empty() || bt.coverage == Coverage::Uncovered) {
    raw(" <span class=\"trace\">");
    if (bt.coverage == Coverage::Uncovered)
      raw("<strong class=\"flag-error\">Error: no criterion encodes this criterion bullet</strong> ");
    if (!targets.empty()) {
      raw(bt.coverage == Coverage::Data ? "<span class=\"lbl\">encoded as data:</span> " : "<span class=\"lbl\">encoded by</span> ");
      for (size_t k = 0; k < targets.size(); ++k) {
        if (k) raw(" ");
        target_link(targets[k]);
      }
    }
    for (int a : bt.ambiguities) {
      f(" <a class=\"amb\" href=\"#{}\">ambiguous: ", escape(p_.ambiguities[static_cast<size_t>(a)].id));
      text(p_.ambiguities[static_cast<size_t>(a)].id);
      raw("</a>");
    }
    raw("</span>");
  } else if (bt.coverage == Coverage::NotEncoded && b.kind != BlockKind::SectionId && b.kind != BlockKind::Heading) {
    raw(" <span class=\"trace\"><span class=\"lbl\">not encoded</span></span>");
  }
  f("</{}>\n", tag);
}

void PageWriter::part(size_t index) {
  const Part& pt = d_.source->parts[index];
  const auto& traces = d_.trace.blocks[index];
  std::string anchor = part_anchor(pt, index);
  bool collapsed = pt.section.empty();
  f("<div class=\"src-part\">\n<h3 id=\"{}\">", escape(anchor));
  text(pt.title);
  if (!pt.section.empty()) {
    raw(" <span class=\"muted\">(");
    text(pt.section);
    raw(")</span>");
  }
  raw("</h3>\n");
  if (collapsed) {
    raw("<details>\n<summary>");
    raw(pt.references ? "Show the references (cited literature: nothing to encode)"
                      : "Show this text (front matter and instructions: nothing to encode)");
    raw("</summary>\n");
  }
  // Consecutive list items share one list (page furniture between them does not end it).
  const char* open = nullptr;
  for (size_t k = 0; k < pt.blocks.size(); ++k) {
    const Block& b = pt.blocks[k];
    if (b.kind == BlockKind::Furniture) continue;
    const char* want = b.kind == BlockKind::Bullet ? "ul" : b.kind == BlockKind::Numbered ? "ol" : nullptr;
    if (open && want != open) {
      f("</{}>\n", open);
      open = nullptr;
    }
    if (want && !open) {
      f("<{} class=\"src-list\">\n", want);
      open = want;
    }
    block(b, traces[k], want != nullptr);
  }
  if (open) f("</{}>\n", open);
  if (collapsed) raw("</details>\n");
  raw("</div>\n");
}

void PageWriter::policy_text() {
  raw("<section id=\"policy-text\" aria-labelledby=\"policy-text-h\">\n<h2 id=\"policy-text-h\">The policy text</h2>\n");
  if (!d_.source) {
    raw("<p class=\"error\">The policy text is not available: ");
    text(d_.source_note);
    raw(".</p>\n</section>\n");
    return;
  }
  raw("<p>The policy as published, section by section. ");
  raw("<mark class=\"enc\">Highlighted</mark> words are encoded by the criteria named after them (hover for the ids); "
      "<span class=\"data\">underlined</span> words are encoded as data (definitions, codes); "
      "<span class=\"unenc\">dotted</span> words of a partly encoded sentence are not encoded; a bullet of a criteria "
      "list that no criterion encodes is flagged <strong class=\"flag-error\">Error</strong>. Definitions, instructions "
      "and headings are not expected to be encoded. Running page headers and page-number tables are left out.</p>\n");
  // Coverage.
  raw("<div class=\"coverage\" id=\"coverage\">\n<h3>Coverage</h3>\n<ul>\n");
  f("<li>{} criterion bullets encoded, {} not encoded</li>\n", d_.trace.encoded_bullets, d_.trace.uncovered_bullets);
  f("<li>{} blocks fully encoded, {} partly, {} encoded as data (definitions, codes), {} not encoded (instructions, "
    "headings, front matter)</li>\n",
    count_coverage(Coverage::Encoded), count_coverage(Coverage::Partial), count_coverage(Coverage::Data),
    count_coverage(Coverage::NotEncoded));
  f("<li>{} of {} criteria found in the text</li>\n", p_.criteria.size() - d_.trace.criteria_not_found.size(), p_.criteria.size());
  raw("</ul>\n");
  if (d_.trace.uncovered_bullets > 0 || !d_.trace.criteria_not_found.empty()) {
    raw("<p class=\"error\"><strong>Errors:</strong></p>\n<ul class=\"errors\">\n");
    for (size_t pi = 0; pi < d_.trace.blocks.size(); ++pi)
      for (size_t bi = 0; bi < d_.trace.blocks[pi].size(); ++bi)
        if (d_.trace.blocks[pi][bi].coverage == Coverage::Uncovered) {
          const Block& b = d_.source->parts[pi].blocks[bi];
          f("<li><a href=\"#{}\">line {}</a>: no criterion encodes &#8220;", block_anchor(b), b.line);
          text(b.plain());
          raw("&#8221;</li>\n");
        }
    for (int i : d_.trace.criteria_not_found) {
      raw("<li>");
      crit_link(i);
      raw(": its sentence is not in the text</li>\n");
    }
    raw("</ul>\n");
  } else {
    raw("<p class=\"ok-text\">Every criterion bullet is encoded and every criterion's sentence is in the text.</p>\n");
  }
  raw("</div>\n");
  for (size_t i = 0; i < d_.source->parts.size(); ++i) part(i);
  raw("</section>\n");
}

}  // namespace pp::reports::page
