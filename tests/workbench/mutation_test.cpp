// Mutation run over the bundled policy (issue 20): mutants as an analyst's
// slips would make them (operators flipped, constants moved by one unit, a
// criterion dropped from an `all`, an exclusion inverted, a negation dropped,
// a level range shifted, a quoted word changed). Each must be caught by
// `lint` (the text against the encoding) or by the MC/DC suite of the
// original policy run with `policyproof test --policy MUTANT`; a survivor
// must be proved equivalent by Z3 (no case the two decide differently), or
// it is a defect and the test fails. Prints the score.
#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include "model/text_lint.h"
#include "solver/policy_differ.h"
#include "support/run.h"
#include "workbench/support.h"

namespace {

struct Mutant {
  std::string op;     // flip | constant | drop | invert | not | range | word
  std::string where;  // criterion id
  std::string what;   // the edit, for the report
  std::string text;   // the mutated policy
};

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string l;
  while (std::getline(in, l)) out.push_back(l);
  return out;
}

std::string join_lines(const std::vector<std::string>& ls) {
  std::string s;
  for (const auto& l : ls) s += l + "\n";
  return s;
}

const std::vector<std::string>& levels() {
  static const std::vector<std::string> v = {"C1", "C2", "C3", "C4", "C5", "C6", "C7", "T1", "T2", "T3", "T4", "T5", "T6",
                                             "T7", "T8", "T9", "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5", "sacrum", "coccyx"};
  return v;
}

int level_index(const std::string& s) {
  for (size_t i = 0; i < levels().size(); ++i)
    if (levels()[i] == s) return static_cast<int>(i);
  return -1;
}

std::vector<Mutant> make_mutants(const std::string& yaml) {
  std::vector<Mutant> out;
  auto lines = split_lines(yaml);
  std::string id, kind;
  int texts = 0;
  auto emit = [&](const std::string& op, size_t li, const std::string& line, const std::string& what) {
    auto copy = lines;
    copy[li] = line;
    out.push_back({op, id, what, join_lines(copy)});
  };
  bool in_criteria = false;
  for (size_t li = 0; li < lines.size(); ++li) {
    const std::string& l = lines[li];
    if (l.rfind("criteria:", 0) == 0) in_criteria = true;
    if (l.rfind("ambiguities:", 0) == 0) in_criteria = false;
    if (!in_criteria) continue;
    if (l.rfind("  - id: ", 0) == 0) id = l.substr(8), kind.clear();
    if (l.rfind("    kind: ", 0) == 0) kind = l.substr(10);
    if (l.rfind("    when: ", 0) == 0) {
      std::string head = "    when: ", expr = l.substr(head.size());
      // operators flipped
      for (size_t i = 0; i + 1 < expr.size(); ++i) {
        static const std::pair<const char*, const char*> flips[] = {{"<=", "<"}, {">=", ">"}, {"==", "!="}, {"!=", "=="}};
        bool done = false;
        for (const auto& [from, to] : flips)
          if (expr.compare(i, 2, from) == 0) {
            emit("flip", li, head + expr.substr(0, i) + to + expr.substr(i + 2), std::string(from) + " -> " + to);
            ++i;
            done = true;
            break;
          }
        if (done) continue;
        if ((expr[i] == '<' || expr[i] == '>') && expr[i + 1] == ' ')
          emit("flip", li, head + expr.substr(0, i + 1) + "=" + expr.substr(i + 1),
               std::string(1, expr[i]) + " -> " + expr[i] + "=");
      }
      // constants moved by one unit
      for (size_t i = 0; i < expr.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(expr[i])) || (i > 0 && (std::isalnum(static_cast<unsigned char>(expr[i - 1])) || expr[i - 1] == '.')))
          continue;
        size_t j = i;
        while (j < expr.size() && (std::isdigit(static_cast<unsigned char>(expr[j])) || expr[j] == '.')) ++j;
        if (j < expr.size() && std::isalpha(static_cast<unsigned char>(expr[j]))) {
          i = j;
          continue;
        }
        double v = std::stod(expr.substr(i, j - i));
        for (double d : {-1.0, 1.0}) {
          std::ostringstream n;
          n << v + d;
          emit("constant", li, head + expr.substr(0, i) + n.str() + expr.substr(j), expr.substr(i, j - i) + " -> " + n.str());
        }
        i = j;
      }
      // a negation dropped
      for (size_t at = expr.find("not "); at != std::string::npos; at = expr.find("not ", at + 1))
        if (at == 0 || expr[at - 1] == ' ' || expr[at - 1] == '"')
          emit("not", li, head + expr.substr(0, at) + expr.substr(at + 4), "`not` dropped");
      // level ranges shifted
      for (size_t at = expr.find('{'); at != std::string::npos; at = expr.find('{', at + 1)) {
        size_t dots = expr.find("..", at), close = expr.find('}', at);
        if (dots == std::string::npos || close == std::string::npos || dots > close) continue;
        std::string a = expr.substr(at + 1, dots - at - 1), b = expr.substr(dots + 2, close - dots - 2);
        int ia = level_index(a), ib = level_index(b);
        if (ia < 0 || ib < 0) continue;
        for (auto [da, db] : {std::pair{-1, 0}, std::pair{1, 0}, std::pair{0, -1}, std::pair{0, 1}}) {
          int na = ia + da, nb = ib + db;
          if (na < 0 || nb >= static_cast<int>(levels().size()) || na > nb) continue;
          std::string range = "{" + levels()[na] + ".." + levels()[nb] + "}";
          emit("range", li, head + expr.substr(0, at) + range + expr.substr(close + 1),
               "{" + a + ".." + b + "} -> " + range);
        }
      }
      // an exclusion inverted
      if (kind == "exclusion") {
        bool quoted = !expr.empty() && expr[0] == '"';
        std::string inner = quoted ? expr.substr(1, expr.size() - 2) : expr;
        emit("invert", li, head + "\"not (" + inner + ")\"", "inverted");
      }
    }
    if (l.rfind("    all: [", 0) == 0 && l.back() == ']') {
      std::string list = l.substr(10, l.size() - 11);
      std::vector<std::string> items;
      std::istringstream in(list);
      std::string item;
      while (std::getline(in, item, ',')) {
        item.erase(0, item.find_first_not_of(' '));
        items.push_back(item);
      }
      if (items.size() < 2) continue;
      for (size_t d = 0; d < items.size(); ++d) {
        std::string rest;
        for (size_t k = 0; k < items.size(); ++k)
          if (k != d) rest += (rest.empty() ? "" : ", ") + items[k];
        emit("drop", li, "    all: [" + rest + "]", items[d] + " dropped");
      }
    }
    // a quoted word changed (every third criterion text)
    if (l.rfind("    text: \"", 0) == 0 && texts++ % 3 == 0) {
      size_t i = 11;
      while (i < l.size()) {
        size_t j = i;
        while (j < l.size() && std::isalpha(static_cast<unsigned char>(l[j]))) ++j;
        if (j - i >= 5) {
          std::string word = l.substr(i, j - i), changed = word;
          std::swap(changed[1], changed[2]);
          if (changed != word) {
            emit("word", li, l.substr(0, i) + changed + l.substr(j), word + " -> " + changed);
            break;
          }
        }
        i = j + 1;
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("mutation run: every mutant of CMM-607 is caught by lint or the MC/DC suite, or proved equivalent",
          "[mutation]") {
  const std::string original = pp::test::bundled_policy_text();
  auto base = pp::model::load_bundled_policy();
  std::vector<Mutant> mutants = make_mutants(original);
  REQUIRE(mutants.size() >= 50);

  std::string dir = pp::test::temp_path("mutants");
  std::filesystem::create_directories(dir);
  std::string suite = dir + "/mcdc.jsonl";
  REQUIRE(pp::test::run("generate --mcdc --output " + suite).exit_code == 0);
  REQUIRE(pp::test::run("test --quiet " + suite).exit_code == 0);

  int valid = 0, by_lint = 0, by_suite = 0, by_either = 0, equivalent = 0, refused = 0;
  std::map<std::string, std::pair<int, int>> by_op;  // op -> (caught, total)
  std::vector<std::string> survivors, equivalents;
  for (size_t i = 0; i < mutants.size(); ++i) {
    const Mutant& m = mutants[i];
    INFO(m.where << ": " << m.what);
    std::shared_ptr<const pp::model::Policy> p;
    try {
      p = pp::test::load_text(m.text);
    } catch (const pp::model::DiagnosticError&) {
      ++refused;  // the loader refuses it: caught before any check
      continue;
    }
    ++valid;
    bool lint = pp::model::lint_policy_text(*p, "").count(pp::model::LintSeverity::Error) > 0;
    std::string file = dir + "/m" + std::to_string(i) + ".yaml";
    pp::test::spit(file, m.text);
    auto t = pp::test::run("test --quiet " + suite + " --policy " + file);
    REQUIRE((t.exit_code == 0 || t.exit_code == 1));
    bool killed = t.exit_code == 1;
    by_lint += lint;
    by_suite += killed;
    auto& op = by_op[m.op];
    ++op.second;
    if (lint || killed) {
      ++by_either;
      ++op.first;
      continue;
    }
    // A survivor: equivalent when no case is decided differently (Z3).
    pp::solver::DecisionDiff d = pp::solver::diff_decisions(base, p, {}, 1);
    REQUIRE(d.complete);
    if (d.regions.empty()) {
      ++equivalent;
      ++op.first;
      equivalents.push_back(m.where + ": " + m.what);
    } else {
      survivors.push_back(m.where + ": " + m.what);
    }
  }
  std::filesystem::remove_all(dir);

  std::ostringstream report;
  report << "mutation run: " << mutants.size() << " mutants, " << refused << " refused by the loader, " << valid
         << " valid; caught by lint " << by_lint << ", by the MC/DC suite " << by_suite << ", by either " << by_either
         << "; equivalent (proved) " << equivalent << "; surviving " << survivors.size() << "; score "
         << (valid ? 100.0 * (by_either + equivalent) / valid : 100.0) << "% ("
         << (valid - equivalent ? 100.0 * by_either / (valid - equivalent) : 100.0) << "% of the non-equivalent)\n";
  for (const auto& [op, n] : by_op) report << "  " << op << ": " << n.first << "/" << n.second << "\n";
  for (const auto& e : equivalents) report << "  equivalent: " << e << "\n";
  for (const auto& s : survivors) report << "  SURVIVED: " << s << "\n";
  std::cout << report.str();
  INFO(report.str());
  CHECK(valid >= 50);
  CHECK(survivors.empty());
}
