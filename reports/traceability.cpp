#include "reports/traceability.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <set>

namespace pp::reports {

const char* to_string(Coverage c) {
  switch (c) {
    case Coverage::Encoded: return "encoded";
    case Coverage::Partial: return "partial";
    case Coverage::Data: return "data";
    case Coverage::NotEncoded: return "not_encoded";
    case Coverage::Uncovered: return "uncovered";
    case Coverage::Furniture: return "furniture";
  }
  return "?";
}

std::string normalize_for_match(const std::string& s, std::vector<size_t>* map) {
  std::string out;
  out.reserve(s.size());
  if (map) {
    map->clear();
    map->reserve(s.size());
  }
  bool space = false;
  size_t space_at = 0;
  auto emit = [&](char c, size_t at) {
    out += c;
    if (map) map->push_back(at);
  };
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    // Markup and the registered sign are not words.
    if (c == '*' || c == '`') continue;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xAE) {
      ++i;
      continue;
    }
    // Typographic quotes compare as straight ones.
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
      unsigned char d = static_cast<unsigned char>(s[i + 2]);
      if (d == 0x98 || d == 0x99 || d == 0x9C || d == 0x9D) {
        if (space && !out.empty()) emit(' ', space_at);
        space = false;
        emit(d <= 0x99 ? '\'' : '"', i);
        i += 2;
        continue;
      }
    }
    if (std::isspace(c)) {
      if (!space) space_at = i;
      space = true;
      continue;
    }
    if (space && !out.empty() && std::string_view(",.;:)").find(static_cast<char>(c)) == std::string_view::npos)
      emit(' ', space_at);
    space = false;
    emit(static_cast<char>(std::tolower(c)), i);
  }
  return out;
}

std::vector<CriterionTrace> criterion_structure(const model::Policy& policy) {
  const int n = static_cast<int>(policy.criteria.size());
  std::vector<CriterionTrace> t(n);
  for (int i = 0; i < n; ++i) {
    const auto& c = policy.criteria[i];
    for (int ch : c.children) t[ch].parents.push_back(i);
    if (c.combinator == model::Combinator::Leaf) {
      std::vector<int> refs;
      model::collect_refs(c.expr, refs);
      std::sort(refs.begin(), refs.end());
      refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
      for (int r : refs)
        if (r != i) t[r].users.push_back(i);
    }
  }
  // Owners: breadth-first upward over parents and users; the first path found
  // to each owner is its chain.
  for (int i = 0; i < n; ++i) {
    std::vector<int> via(n, -2);
    std::deque<int> queue{i};
    via[i] = -1;
    while (!queue.empty()) {
      int x = queue.front();
      queue.pop_front();
      const auto& cx = policy.criteria[x];
      if (cx.kind != model::CriterionKind::Condition) {
        std::vector<int> chain;
        for (int y = x; y != -1; y = via[y]) chain.push_back(y);
        t[i].owners.push_back(x);
        t[i].chains.push_back(std::move(chain));
        continue;  // a pathway or exclusion is the top of its chain
      }
      for (const auto* up : {&t[x].parents, &t[x].users})
        for (int y : *up)
          if (via[y] == -2) {
            via[y] = x;
            queue.push_back(y);
          }
    }
  }
  return t;
}

namespace {

struct Candidate {
  std::string norm;  // normalized text
  Target target;
};

// The criteria above `i` through all:/any: (not through @references), and itself.
std::vector<int> ancestors(const std::vector<CriterionTrace>& t, int i) {
  std::vector<int> out{i};
  for (size_t k = 0; k < out.size(); ++k)
    for (int p : t[out[k]].parents)
      if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  return out;
}

// Related: a common ancestor through all:/any:, or one criterion (or one of
// its ancestors) referencing the other with `@`: "chronic back pain of
// longstanding duration (>6 months)" stands inside the sentence of
// NI.chronic_pain, which reads it as @NI.chronic_pain.longstanding.
bool related(const std::vector<CriterionTrace>& t, int a, int b) {
  auto A = ancestors(t, a), B = ancestors(t, b);
  for (int x : A)
    if (std::find(B.begin(), B.end(), x) != B.end()) return true;
  auto uses = [&](const std::vector<int>& users_of, const std::vector<int>& anc) {
    for (int u : users_of)
      if (std::find(anc.begin(), anc.end(), u) != anc.end()) return true;
    return false;
  };
  return uses(t[a].users, B) || uses(t[b].users, A);
}

bool is_criterionish(TargetKind k) { return k != TargetKind::Definition && k != TargetKind::Code; }

bool boundary(const std::string& n, size_t at) {
  return at >= n.size() || !std::isalnum(static_cast<unsigned char>(n[at]));
}

}  // namespace

Traceability trace(const model::Policy& policy, const SourceDocument& doc) {
  Traceability tr;
  tr.criteria = criterion_structure(policy);
  tr.category_at.resize(policy.categories.size());
  tr.ambiguity_at.resize(policy.ambiguities.size());
  tr.definition_at.resize(policy.definitions.size());
  tr.code_at.resize(policy.codes.size());

  std::vector<Candidate> cands;
  auto add = [&](const std::string& text, TargetKind k, int index) {
    std::string n = normalize_for_match(text);
    if (!n.empty()) cands.push_back({std::move(n), {k, index}});
  };
  for (size_t i = 0; i < policy.criteria.size(); ++i) add(policy.criteria[i].text, TargetKind::Criterion, static_cast<int>(i));
  for (size_t i = 0; i < policy.categories.size(); ++i) add(policy.categories[i].text, TargetKind::Category, static_cast<int>(i));
  add(policy.decision_text, TargetKind::Decision, 0);
  add(policy.default_denial_text, TargetKind::DefaultDenial, 0);
  for (size_t i = 0; i < policy.definitions.size(); ++i) add(policy.definitions[i].text, TargetKind::Definition, static_cast<int>(i));
  for (size_t i = 0; i < policy.codes.size(); ++i) add(policy.codes[i].description, TargetKind::Code, static_cast<int>(i));

  struct Norm {
    std::string text;
    std::vector<size_t> map;
  };
  // Normalized cells of every block.
  std::vector<std::vector<std::vector<Norm>>> norms(doc.parts.size());
  for (size_t p = 0; p < doc.parts.size(); ++p) {
    norms[p].resize(doc.parts[p].blocks.size());
    for (size_t b = 0; b < doc.parts[p].blocks.size(); ++b)
      for (const auto& cell : doc.parts[p].blocks[b].cells) {
        Norm nm;
        nm.text = normalize_for_match(cell.text, &nm.map);
        norms[p][b].push_back(std::move(nm));
      }
  }
  auto shown = [&](const Block& b) { return b.kind != BlockKind::Furniture && b.kind != BlockKind::SectionId; };

  // Candidates whose sentence is a whole bullet, paragraph or heading somewhere:
  // their occurrences inside longer sentences are mentions, not the encoding.
  std::set<size_t> has_full;
  for (size_t k = 0; k < cands.size(); ++k)
    for (size_t p = 0; p < doc.parts.size(); ++p)
      for (size_t b = 0; b < doc.parts[p].blocks.size(); ++b) {
        const Block& blk = doc.parts[p].blocks[b];
        if (!shown(blk) || blk.kind == BlockKind::TableRow) continue;
        if (norms[p][b].size() == 1 && norms[p][b][0].text == cands[k].norm) has_full.insert(k);
      }

  tr.blocks.resize(doc.parts.size());
  for (size_t p = 0; p < doc.parts.size(); ++p) {
    const Part& part = doc.parts[p];
    tr.blocks[p].resize(part.blocks.size());
    for (size_t b = 0; b < part.blocks.size(); ++b) {
      const Block& blk = part.blocks[b];
      BlockTrace& bt = tr.blocks[p][b];
      if (blk.kind == BlockKind::Furniture) {
        bt.coverage = Coverage::Furniture;
        continue;
      }
      if (blk.kind == BlockKind::SectionId) continue;
      std::set<std::string> headings;
      for (const auto& h : blk.headings) headings.insert(normalize_for_match(h));

      struct Hit {
        size_t cand;
        int cell;
        size_t nbegin, nend;  // in the normalized cell
        bool full;
      };
      std::vector<Hit> hits;
      for (size_t k = 0; k < cands.size(); ++k) {
        for (size_t ci = 0; ci < norms[p][b].size(); ++ci) {
          const std::string& n = norms[p][b][ci].text;
          for (size_t at = n.find(cands[k].norm); at != std::string::npos; at = n.find(cands[k].norm, at + 1)) {
            size_t end = at + cands[k].norm.size();
            if ((at > 0 && !boundary(n, at - 1)) || !boundary(n, end)) continue;
            bool full = norms[p][b].size() == 1 && at == 0 && end == n.size();
            hits.push_back({k, static_cast<int>(ci), at, end, full});
          }
        }
      }
      // Mentions: a criterion's sentence inside a longer encoded one counts
      // only when it has no sentence of its own and is related to the longer one.
      std::vector<char> keep(hits.size(), 1);
      for (size_t i = 0; i < hits.size(); ++i) {
        const Candidate& ci = cands[hits[i].cand];
        if (hits[i].full) continue;
        if (has_full.count(hits[i].cand) && is_criterionish(ci.target.kind)) {
          keep[i] = 0;
          continue;
        }
        for (size_t j = 0; j < hits.size() && keep[i]; ++j) {
          if (i == j || hits[j].cell != hits[i].cell) continue;
          bool inside = hits[j].nbegin <= hits[i].nbegin && hits[i].nend <= hits[j].nend &&
                        hits[j].nend - hits[j].nbegin > hits[i].nend - hits[i].nbegin;
          if (!inside) continue;
          const Candidate& cj = cands[hits[j].cand];
          if (ci.target.kind == TargetKind::Criterion && cj.target.kind == TargetKind::Criterion) {
            if (!related(tr.criteria, ci.target.index, cj.target.index)) keep[i] = 0;
          } else if (is_criterionish(ci.target.kind) != is_criterionish(cj.target.kind)) {
            keep[i] = 0;  // a criterion's words inside a definition, or the reverse
          }
        }
      }
      // The same words encoding several criteria: prefer those whose pathway
      // (or exclusion) a heading above names.
      for (size_t i = 0; i < hits.size(); ++i) {
        if (!keep[i] || cands[hits[i].cand].target.kind != TargetKind::Criterion) continue;
        std::vector<size_t> same;
        for (size_t j = 0; j < hits.size(); ++j)
          if (keep[j] && cands[hits[j].cand].target.kind == TargetKind::Criterion && hits[j].cell == hits[i].cell &&
              hits[j].nbegin == hits[i].nbegin && hits[j].nend == hits[i].nend)
            same.push_back(j);
        if (same.size() < 2) continue;
        std::vector<size_t> named;
        for (size_t j : same) {
          for (int a : ancestors(tr.criteria, cands[hits[j].cand].target.index))
            if (headings.count(normalize_for_match(policy.criteria[a].text))) {
              named.push_back(j);
              break;
            }
        }
        if (!named.empty())
          for (size_t j : same)
            if (std::find(named.begin(), named.end(), j) == named.end()) keep[j] = 0;
      }
      // Definitions and codes: their term or code cell goes with them.
      for (size_t i = 0; i < hits.size(); ++i) {
        if (!keep[i]) continue;
        const auto& nm = norms[p][b][hits[i].cell];
        Span s;
        s.cell = hits[i].cell;
        s.begin = nm.map[hits[i].nbegin];
        s.end = hits[i].nend < nm.map.size() ? nm.map[hits[i].nend] : blk.cells[s.cell].text.size();
        const std::string& raw = blk.cells[s.cell].text;
        while (s.end > s.begin && std::isspace(static_cast<unsigned char>(raw[s.end - 1]))) --s.end;
        s.target = cands[hits[i].cand].target;
        bt.spans.push_back(s);
        if (s.target.kind == TargetKind::Definition || s.target.kind == TargetKind::Code) {
          const std::string label = s.target.kind == TargetKind::Definition
                                        ? normalize_for_match(policy.definitions[s.target.index].term)
                                        : policy.codes[s.target.index].code;
          for (size_t ci = 0; ci < norms[p][b].size(); ++ci) {
            const auto& cn = norms[p][b][ci];
            size_t at = cn.text.find(label);
            if (at == std::string::npos || (static_cast<int>(ci) == s.cell && at >= hits[i].nbegin)) continue;
            Span term;
            term.cell = static_cast<int>(ci);
            term.begin = 0;
            term.end = at + label.size() < cn.map.size() ? cn.map[at + label.size()] : blk.cells[ci].text.size();
            const std::string& tr_raw = blk.cells[ci].text;
            while (term.end > term.begin && std::isspace(static_cast<unsigned char>(tr_raw[term.end - 1]))) --term.end;
            term.target = s.target;
            bt.spans.push_back(term);
            break;
          }
        }
      }
      std::sort(bt.spans.begin(), bt.spans.end(), [](const Span& x, const Span& y) {
        return std::tie(x.cell, x.begin, y.end) < std::tie(y.cell, y.begin, x.end);
      });
      // Ambiguities whose quoted words stand here.
      for (size_t a = 0; a < policy.ambiguities.size(); ++a) {
        std::string q = normalize_for_match(policy.ambiguities[a].quote);
        for (const auto& nm : norms[p][b])
          if (!q.empty() && nm.text.find(q) != std::string::npos) {
            bt.ambiguities.push_back(static_cast<int>(a));
            tr.ambiguity_at[a].emplace_back(static_cast<int>(p), static_cast<int>(b));
            break;
          }
      }
      // Coverage by letters and digits.
      size_t total = 0, enc = 0, data = 0;
      for (size_t ci = 0; ci < blk.cells.size(); ++ci) {
        const std::string& raw = blk.cells[ci].text;
        for (size_t x = 0; x < raw.size(); ++x) {
          if (!std::isalnum(static_cast<unsigned char>(raw[x]))) continue;
          ++total;
          bool e = false, d = false;
          for (const auto& s : bt.spans)
            if (s.cell == static_cast<int>(ci) && s.begin <= x && x < s.end) (is_criterionish(s.target.kind) ? e : d) = true;
          enc += e;
          data += d && !e;
        }
      }
      if (total > 0 && enc == total) bt.coverage = Coverage::Encoded;
      else if (enc > 0) bt.coverage = Coverage::Partial;
      else if (data > 0) bt.coverage = Coverage::Data;
      else bt.coverage = Coverage::NotEncoded;
    }
  }

  // Criteria lists: runs of bullets (page furniture in between does not break
  // them) where some bullet, or the sentence that opens the run, is encoded.
  for (size_t p = 0; p < doc.parts.size(); ++p) {
    const auto& blocks = doc.parts[p].blocks;
    size_t b = 0;
    while (b < blocks.size()) {
      if (blocks[b].kind != BlockKind::Bullet) {
        ++b;
        continue;
      }
      size_t start = b;
      std::vector<size_t> run;
      while (b < blocks.size() && (blocks[b].kind == BlockKind::Bullet || blocks[b].kind == BlockKind::Furniture)) {
        if (blocks[b].kind == BlockKind::Bullet) run.push_back(b);
        ++b;
      }
      auto encodes = [&](size_t x) {
        auto c = tr.blocks[p][x].coverage;
        return c == Coverage::Encoded || c == Coverage::Partial;
      };
      bool list = false;
      for (size_t x : run) list |= encodes(x);
      size_t intro = start;
      while (intro > 0 && blocks[intro - 1].kind == BlockKind::Furniture) --intro;
      if (intro > 0 && blocks[intro - 1].kind == BlockKind::Paragraph) list |= encodes(intro - 1);
      if (!list) continue;
      for (size_t x : run) {
        auto& bt = tr.blocks[p][x];
        bt.criteria_list = true;
        if (bt.coverage == Coverage::NotEncoded || bt.coverage == Coverage::Data) bt.coverage = Coverage::Uncovered;
        if (bt.coverage == Coverage::Uncovered) ++tr.uncovered_bullets;
        else ++tr.encoded_bullets;
      }
    }
  }

  // Where each target stands.
  for (size_t p = 0; p < tr.blocks.size(); ++p)
    for (size_t b = 0; b < tr.blocks[p].size(); ++b)
      for (const auto& s : tr.blocks[p][b].spans) {
        std::pair<int, int> at{static_cast<int>(p), static_cast<int>(b)};
        std::vector<std::pair<int, int>>* list = nullptr;
        switch (s.target.kind) {
          case TargetKind::Criterion: list = &tr.criteria[s.target.index].found_at; break;
          case TargetKind::Category: list = &tr.category_at[s.target.index]; break;
          case TargetKind::Decision: list = &tr.decision_at; break;
          case TargetKind::DefaultDenial: list = &tr.default_denial_at; break;
          case TargetKind::Definition: list = &tr.definition_at[s.target.index]; break;
          case TargetKind::Code: list = &tr.code_at[s.target.index]; break;
        }
        if (std::find(list->begin(), list->end(), at) == list->end()) list->push_back(at);
      }
  for (size_t i = 0; i < tr.criteria.size(); ++i)
    if (tr.criteria[i].found_at.empty()) tr.criteria_not_found.push_back(static_cast<int>(i));
  return tr;
}

}  // namespace pp::reports
