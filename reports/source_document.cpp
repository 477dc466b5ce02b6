#include "reports/source_document.h"

#include <cctype>
#include <map>

namespace pp::reports {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

void append(StyledText& t, std::string_view s, std::uint8_t style) {
  t.text.append(s);
  t.style.insert(t.style.end(), s.size(), style);
}

// Drops leading and trailing blanks (keeping styles aligned).
void trim(StyledText& t) {
  size_t a = 0, b = t.text.size();
  while (a < b && std::isspace(static_cast<unsigned char>(t.text[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(t.text[b - 1]))) --b;
  t.text = t.text.substr(a, b - a);
  t.style = std::vector<std::uint8_t>(t.style.begin() + static_cast<long>(a), t.style.begin() + static_cast<long>(b));
}

// The tag name of `<name>` / `</name>` at s[i] (lowercase), or "" when it is not one.
std::string_view tag_at(std::string_view s, size_t i, bool& closing, size_t& end) {
  if (s[i] != '<') return {};
  size_t j = i + 1;
  closing = j < s.size() && s[j] == '/';
  if (closing) ++j;
  size_t k = j;
  while (k < s.size() && std::isalpha(static_cast<unsigned char>(s[k]))) ++k;
  if (k == j || k >= s.size() || s[k] != '>') return {};
  end = k + 1;
  return s.substr(j, k - j);
}

}  // namespace

const char* to_string(BlockKind k) {
  switch (k) {
    case BlockKind::Heading: return "heading";
    case BlockKind::Paragraph: return "paragraph";
    case BlockKind::Bullet: return "bullet";
    case BlockKind::Numbered: return "numbered";
    case BlockKind::TableRow: return "table_row";
    case BlockKind::SectionId: return "section_id";
    case BlockKind::Furniture: return "furniture";
  }
  return "?";
}

std::string Block::plain() const {
  std::string out;
  for (const auto& c : cells) {
    if (!out.empty() && !c.text.empty()) out += ' ';
    out += c.text;
  }
  return out;
}

StyledText parse_inline(std::string_view s) {
  StyledText t;
  t.text.reserve(s.size());
  t.style.reserve(s.size());
  std::uint8_t style = kPlain;
  int bold_tags = 0, sup_tags = 0, italic_tags = 0;
  bool md_bold = false, md_italic = false;
  auto current = [&] {
    std::uint8_t st = kPlain;
    if (md_bold || bold_tags > 0) st |= kBold;
    if (md_italic || italic_tags > 0) st |= kItalic;
    if (sup_tags > 0) st |= kSup;
    return st;
  };
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && std::ispunct(static_cast<unsigned char>(s[i + 1]))) {
      append(t, s.substr(i + 1, 1), current());
      i += 2;
      continue;
    }
    if (c == '*') {
      if (i + 1 < s.size() && s[i + 1] == '*') {
        md_bold = !md_bold;
        i += 2;
      } else {
        md_italic = !md_italic;
        ++i;
      }
      continue;
    }
    if (c == '<') {
      bool closing = false;
      size_t end = 0;
      std::string_view name = tag_at(s, i, closing, end);
      int* counter = nullptr;
      if (name == "b" || name == "strong") counter = &bold_tags;
      else if (name == "i" || name == "em") counter = &italic_tags;
      else if (name == "sup") counter = &sup_tags;
      if (counter) {
        *counter += closing ? (*counter > 0 ? -1 : 0) : 1;
        i = end;
        continue;
      }
      if (name == "br") {
        append(t, " ", current());
        i = end;
        continue;
      }
      // An autolink <https://...>: its address as text.
      size_t close = s.find('>', i);
      if (close != std::string_view::npos && (starts_with(s.substr(i + 1), "http://") || starts_with(s.substr(i + 1), "https://"))) {
        append(t, s.substr(i + 1, close - i - 1), current());
        i = close + 1;
        continue;
      }
    }
    if (c == '[') {
      // [text](target): the text only (the report fetches and links nothing outside itself).
      size_t close = s.find("](", i);
      size_t paren = close == std::string_view::npos ? close : s.find(')', close);
      if (close != std::string_view::npos && paren != std::string_view::npos && s.substr(i, close - i).find('\n') == std::string_view::npos) {
        StyledText inner = parse_inline(s.substr(i + 1, close - i - 1));
        std::uint8_t st = current();
        for (size_t k = 0; k < inner.text.size(); ++k) {
          t.text += inner.text[k];
          t.style.push_back(static_cast<std::uint8_t>(inner.style[k] | st));
        }
        i = paren + 1;
        continue;
      }
    }
    style = current();
    append(t, s.substr(i, 1), style);
    ++i;
  }
  return t;
}

SourceDocument parse_source_document(std::string_view md, const model::Policy& policy, std::string file) {
  SourceDocument doc;
  doc.file = std::move(file);

  // Section headings of the policy, by their plain text.
  auto section_of_heading = [&](const std::string& h) -> const model::Section* {
    for (const auto& s : policy.sections)
      if (s.heading == h) return &s;
    return nullptr;
  };
  auto is_section_id = [&](const std::string& t) {
    for (const auto& s : policy.sections)
      if (s.id == t) return true;
    return false;
  };

  Part current;
  current.title = "Front matter";
  std::vector<std::pair<int, std::string>> heading_stack;
  std::vector<Part> parts;
  auto close_part = [&] {
    parts.push_back(std::move(current));
    current = Part{};
    heading_stack.clear();
  };
  auto headings_above = [&] {
    std::vector<std::string> h;
    for (const auto& [level, text] : heading_stack) h.push_back(text);
    return h;
  };
  auto part_names = [&](const Part& p, const std::string& h) {
    if (h == p.title) return true;
    for (const auto& s : policy.sections)
      if (s.id == p.section && (s.title == h || s.heading == h)) return true;
    return false;
  };

  Block paragraph;
  bool in_paragraph = false;
  auto flush_paragraph = [&] {
    if (!in_paragraph) return;
    trim(paragraph.cells[0]);
    if (!paragraph.cells[0].text.empty()) current.blocks.push_back(std::move(paragraph));
    paragraph = Block{};
    in_paragraph = false;
  };

  int line_no = 0;
  size_t pos = 0;
  while (pos <= md.size()) {
    size_t nl = md.find('\n', pos);
    if (nl == std::string_view::npos) nl = md.size();
    std::string_view raw = md.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string line = trim(raw);

    if (line.empty() || line == "---" || line == "***") {
      flush_paragraph();
      if (nl == md.size()) break;
      continue;
    }
    size_t indent = raw.find_first_not_of(' ');
    if (indent == std::string_view::npos) indent = 0;

    // Headings.
    if (line[0] == '#') {
      size_t level = line.find_first_not_of('#');
      if (level != std::string::npos && level <= 6 && line[level] == ' ') {
        flush_paragraph();
        StyledText h = parse_inline(std::string_view(line).substr(level + 1));
        trim(h);
        const model::Section* sec = level == 1 ? section_of_heading(h.text) : nullptr;
        bool opens = level == 1 && !part_names(current, h.text) &&
                     (sec ? sec->id != current.section : true);
        if (opens) {
          close_part();
          current.title = h.text;
          if (sec) current.section = sec->id;
          current.references = starts_with(h.text, "References");
          continue;  // the part's own title is its heading
        }
        Block b;
        b.kind = part_names(current, h.text) ? BlockKind::Furniture : BlockKind::Heading;
        b.line = line_no;
        b.cells.push_back(std::move(h));
        b.headings = headings_above();
        if (b.kind == BlockKind::Heading) {
          while (!heading_stack.empty() && heading_stack.back().first >= static_cast<int>(level)) heading_stack.pop_back();
          heading_stack.emplace_back(static_cast<int>(level), b.cells[0].text);
        }
        current.blocks.push_back(std::move(b));
        continue;
      }
    }

    // List items.
    std::string_view rest = std::string_view(raw).substr(indent);
    if (starts_with(rest, "- ") || starts_with(rest, "* ")) {
      flush_paragraph();
      Block b;
      b.kind = BlockKind::Bullet;
      b.depth = static_cast<int>(indent / 2);
      b.line = line_no;
      StyledText t = parse_inline(rest.substr(2));
      trim(t);
      b.cells.push_back(std::move(t));
      b.headings = headings_above();
      current.blocks.push_back(std::move(b));
      continue;
    }
    size_t digits = 0;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
    if (digits > 0 && digits + 1 < rest.size() && rest[digits] == '.' && rest[digits + 1] == ' ') {
      flush_paragraph();
      Block b;
      b.kind = BlockKind::Numbered;
      b.number = std::string(rest.substr(0, digits));
      b.depth = static_cast<int>(indent / 2);
      b.line = line_no;
      StyledText t = parse_inline(rest.substr(digits + 2));
      trim(t);
      b.cells.push_back(std::move(t));
      b.headings = headings_above();
      current.blocks.push_back(std::move(b));
      continue;
    }

    // Tab-separated rows (definitions, codes, tables of contents).
    if (line.find('\t') != std::string::npos) {
      flush_paragraph();
      Block b;
      b.kind = BlockKind::TableRow;
      b.line = line_no;
      size_t a = 0;
      while (a <= line.size()) {
        size_t tab = line.find('\t', a);
        if (tab == std::string::npos) tab = line.size();
        StyledText cell = parse_inline(std::string_view(line).substr(a, tab - a));
        trim(cell);
        b.cells.push_back(std::move(cell));
        a = tab + 1;
      }
      b.headings = headings_above();
      current.blocks.push_back(std::move(b));
      continue;
    }

    if (is_section_id(line)) {
      flush_paragraph();
      Block b;
      b.kind = BlockKind::SectionId;
      b.line = line_no;
      b.cells.push_back(parse_inline(line));
      current.blocks.push_back(std::move(b));
      continue;
    }

    // Running text: consecutive lines make one paragraph.
    if (!in_paragraph) {
      in_paragraph = true;
      paragraph = Block{};
      paragraph.kind = BlockKind::Paragraph;
      paragraph.line = line_no;
      paragraph.cells.emplace_back();
      paragraph.headings = headings_above();
    } else {
      append(paragraph.cells[0], " ", kPlain);
    }
    StyledText t = parse_inline(line);
    paragraph.cells[0].text += t.text;
    paragraph.cells[0].style.insert(paragraph.cells[0].style.end(), t.style.begin(), t.style.end());
    if (nl == md.size()) break;
  }
  flush_paragraph();
  close_part();

  // Page furniture: running headers and repeated table headers (text that
  // occurs more than once outside lists), version lines, page-number rows.
  std::map<std::string, int> seen;
  for (const auto& p : parts)
    for (const auto& b : p.blocks)
      if (b.kind == BlockKind::Paragraph || b.kind == BlockKind::TableRow) seen[b.plain()]++;
  for (auto& p : parts) {
    for (auto& b : p.blocks) {
      if (b.kind != BlockKind::Paragraph && b.kind != BlockKind::TableRow) continue;
      std::string text = b.plain();
      bool furniture = seen[text] > 1 || text == policy.version;
      if (b.kind == BlockKind::TableRow) {
        furniture |= b.cells[0].text == "Guideline" || text.find(".....") != std::string::npos;
      }
      if (furniture) b.kind = BlockKind::Furniture;
    }
  }
  for (auto& p : parts) {
    bool content = false;
    for (const auto& b : p.blocks) content |= b.kind != BlockKind::Furniture;
    if (content || !p.section.empty()) doc.parts.push_back(std::move(p));
  }
  return doc;
}

}  // namespace pp::reports
