// `policyproof test PATH...`: runs analyst-owned test files (docs/workbench.md:
// JSONL, one test a line: a case and what is expected of it) against a
// policy; prints a pass/fail table and the differences, writes JUnit XML
// with --junit. Exit 1 when any test fails.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "cli/text_wrap.h"
#include "model/case_reader.h"
#include "model/evaluator.h"
#include "solver/case_engine.h"

namespace pp::cli {

namespace {

struct TestOptions {
  std::vector<std::string> paths;
  std::string policy;
  std::string junit;
  bool quiet = false;
};

// What a test expects: the decision, and optionally lists compared as sets.
struct Expectation {
  std::string decision;
  std::vector<std::pair<std::string, std::vector<std::string>>> lists;  // field -> ids, sorted
};

struct TestCase {
  std::string file;
  int line = 0;
  std::string name;
  model::Case c;
  Expectation expect;
};

struct TestResult {
  const TestCase* test = nullptr;
  std::string got_decision;
  std::vector<std::string> differences;  // empty: passed
};

[[noreturn]] void fail_at(const std::string& file, int line, const std::string& path, const std::string& msg) {
  model::diagnose(file).batch_line(line).json_path(path).fail(msg);
}

const char* kListFields[] = {"pathways", "exclusions", "unmet", "reasons", "decisive_unknowns"};

// Reads one test file: JSONL, one test object a line; blank lines and lines
// starting with `#` are comments.
std::vector<TestCase> read_test_file(const model::Policy& policy, model::CaseReader& reader, const std::string& file) {
  std::string text = model::read_file(file);
  std::vector<TestCase> out;
  std::istringstream in(text);
  std::string line;
  int no = 0;
  while (std::getline(in, line)) {
    ++no;
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      fail_at(file, no, "", fmt::format("not valid JSON at byte {} (expected one test object a line)", e.byte));
    }
    if (!j.is_object()) fail_at(file, no, "", "expected a test object {\"name\", \"case\", \"expect\"}");
    for (const auto& [k, v] : j.items())
      if (k != "name" && k != "case" && k != "case_file" && k != "expect")
        fail_at(file, no, k, "unknown field `" + k + "` (expected name, case, case_file, expect)");
    TestCase t;
    t.file = file;
    t.line = no;
    t.name = fmt::format("line {}", no);
    if (j.contains("name")) {
      if (!j["name"].is_string()) fail_at(file, no, "name", "expected a string");
      t.name = j["name"].get<std::string>();
    }
    if (j.contains("case") == j.contains("case_file"))
      fail_at(file, no, "", "expected exactly one of `case` (an object) and `case_file` (a path)");
    try {
      if (j.contains("case")) {
        if (!j["case"].is_object()) fail_at(file, no, "case", "expected a case object");
        t.c = reader.read(j["case"].dump(), file, no);
      } else {
        if (!j["case_file"].is_string()) fail_at(file, no, "case_file", "expected a path");
        std::filesystem::path p = j["case_file"].get<std::string>();
        if (p.is_relative()) p = std::filesystem::path(file).parent_path() / p;
        t.c = reader.read(model::read_file(p.string()), p.string());
      }
    } catch (const model::DiagnosticError& e) {
      model::Diagnostic d = e.diagnostic();
      if (d.location.file == file && j.contains("case"))
        d.location.json_path = d.location.json_path.empty() ? "case" : "case." + d.location.json_path;
      throw model::DiagnosticError(d);
    }
    if (!j.contains("expect") || !j["expect"].is_object())
      fail_at(file, no, "expect", "expected an object with at least `decision`");
    const auto& e = j["expect"];
    for (const auto& [k, v] : e.items()) {
      bool known = k == "decision";
      for (const char* f : kListFields) known |= k == f;
      if (!known)
        fail_at(file, no, "expect." + k,
                "unknown field `" + k + "` (expected decision, pathways, exclusions, unmet, reasons, decisive_unknowns)");
    }
    if (!e.contains("decision") || !e["decision"].is_string())
      fail_at(file, no, "expect.decision", "expected medically_necessary, not_medically_necessary or undetermined");
    t.expect.decision = e["decision"].get<std::string>();
    if (t.expect.decision != "medically_necessary" && t.expect.decision != "not_medically_necessary" &&
        t.expect.decision != "undetermined")
      fail_at(file, no, "expect.decision",
              "unknown decision `" + t.expect.decision + "` (expected medically_necessary, not_medically_necessary or undetermined)");
    for (const char* f : kListFields) {
      if (!e.contains(f)) continue;
      const auto& arr = e[f];
      std::string path = std::string("expect.") + f;
      if (!arr.is_array()) fail_at(file, no, path, "expected an array of ids");
      std::vector<std::string> ids;
      for (size_t i = 0; i < arr.size(); ++i) {
        if (!arr[i].is_string()) fail_at(file, no, fmt::format("{}[{}]", path, i), "expected a string");
        std::string id = arr[i].get<std::string>();
        bool fact = std::string(f) == "decisive_unknowns";
        if (fact ? policy.vocab.find_slot(id) < 0 : policy.find_criterion(id) < 0)
          fail_at(file, no, fmt::format("{}[{}]", path, i),
                  fmt::format("unknown {} `{}`", fact ? "fact path" : "criterion", id));
        ids.push_back(id);
      }
      std::sort(ids.begin(), ids.end());
      t.expect.lists.emplace_back(f, std::move(ids));
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string list_text(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s + "]";
}

TestResult run_test(solver::CaseEngine& engine, const TestCase& t) {
  const model::Policy& p = engine.policy();
  TestResult r;
  r.test = &t;
  solver::CaseResult res = engine.evaluate(t.c);
  r.got_decision = model::to_string(res.decision);
  if (r.got_decision != t.expect.decision)
    r.differences.push_back("decision: expected " + t.expect.decision + ", got " + r.got_decision);
  auto ids = [&](const std::vector<int>& xs) {
    std::vector<std::string> v;
    for (int x : xs) v.push_back(p.criteria[x].id);
    std::sort(v.begin(), v.end());
    return v;
  };
  for (const auto& [field, want] : t.expect.lists) {
    std::vector<std::string> got;
    if (field == "pathways") {
      for (const auto& s : model::pathway_statuses(p, res.evaluation))
        if (s.status == model::Tri::True) got.push_back(p.criteria[s.criterion].id);
      std::sort(got.begin(), got.end());
    } else if (field == "exclusions") {
      got = ids(model::applying_exclusions(p, res.evaluation));
    } else if (field == "unmet") {
      got = ids(model::unmet_criteria(p, res.evaluation));
    } else if (field == "reasons") {
      std::vector<int> xs = model::applying_exclusions(p, res.evaluation);
      for (int x : model::unmet_criteria(p, res.evaluation)) xs.push_back(x);
      got = ids(xs);
      got.erase(std::unique(got.begin(), got.end()), got.end());
    } else if (field == "decisive_unknowns") {
      for (int s : res.decisive_unknowns) got.push_back(p.vocab.slots[s].path);
      std::sort(got.begin(), got.end());
    }
    if (got == want) continue;
    std::vector<std::string> missing, unexpected;
    std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
    std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(unexpected));
    std::string d = field + ":";
    if (!missing.empty()) d += " missing " + list_text(missing) + (unexpected.empty() ? "" : ";");
    if (!unexpected.empty()) d += " unexpected " + list_text(unexpected);
    if (want.empty()) d = field + ": expected none, got " + list_text(got);
    r.differences.push_back(d);
  }
  if (!res.exact) r.differences.push_back("the solver reached a limit: " + res.reason);
  return r;
}

std::string xml_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string junit_xml(const model::Policy& p, const std::vector<std::string>& files, const std::vector<TestResult>& results) {
  int failures = 0;
  for (const auto& r : results) failures += !r.differences.empty();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"policyproof test {} {}\" tests=\"{}\" failures=\"{}\">\n", xml_escape(p.id),
                     xml_escape(p.version), results.size(), failures);
  for (const auto& file : files) {
    int n = 0, f = 0;
    for (const auto& r : results)
      if (r.test->file == file) ++n, f += !r.differences.empty();
    out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">\n", xml_escape(file), n, f);
    for (const auto& r : results) {
      if (r.test->file != file) continue;
      out += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", xml_escape(file),
                         xml_escape(fmt::format("{}:{} {}", file, r.test->line, r.test->name)));
      if (r.differences.empty()) {
        out += "/>\n";
        continue;
      }
      std::string body;
      for (const auto& d : r.differences) body += d + "\n";
      out += fmt::format(">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n", xml_escape(r.differences[0]),
                         xml_escape(body));
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

int run_tests(const TestOptions& o) {
  auto policy = load_policy_option(o.policy);
  model::CaseReader reader(*policy);
  std::vector<TestCase> tests;
  std::vector<std::string> files;
  for (const auto& path : o.paths) {
    std::vector<std::string> found;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(path, ec))
        if (e.is_regular_file() && e.path().extension() == ".jsonl") found.push_back(e.path().string());
      std::sort(found.begin(), found.end());
      if (found.empty()) fail_at(path, 0, "", "no test files (*.jsonl) in the directory");
    } else {
      found.push_back(path);
    }
    for (const auto& f : found) {
      files.push_back(f);
      auto ts = read_test_file(*policy, reader, f);
      for (auto& t : ts) tests.push_back(std::move(t));
    }
  }
  solver::CaseEngine engine(policy);
  std::vector<TestResult> results;
  results.reserve(tests.size());
  for (const auto& t : tests) results.push_back(run_test(engine, t));
  int failed = 0;
  std::string out = fmt::format("test {} {}: {} file{}, {} test{}\n", policy->id, policy->version, files.size(),
                                files.size() == 1 ? "" : "s", tests.size(), tests.size() == 1 ? "" : "s");
  for (const auto& r : results) {
    bool ok = r.differences.empty();
    failed += !ok;
    if (ok && o.quiet) continue;
    std::string where = fmt::format("{}:{}", std::filesystem::path(r.test->file).filename().string(), r.test->line);
    std::string row = fmt::format("{}  {:<16} {}: {}", ok ? "PASS" : "FAIL", where, r.got_decision, r.test->name);
    out += wrap_text(row, "", "                        ");
    for (const auto& d : r.differences) out += wrap_text(d, "      ", "          ");
  }
  out += fmt::format("{} test{}: {} passed, {} failed\n", results.size(), results.size() == 1 ? "" : "s",
                     results.size() - static_cast<size_t>(failed), failed);
  std::cout << out;
  if (!o.junit.empty()) {
    std::ofstream j(o.junit, std::ios::binary);
    j << junit_xml(*policy, files, results);
    if (!j) fail_at(o.junit, 0, "", "cannot write the file (expected a writable path for `--junit`)");
  }
  return failed ? kExitCheckFailed : kExitOk;
}

}  // namespace

CommandRunner add_test_command(CLI::App& app) {
  auto o = std::make_shared<TestOptions>();
  auto* cmd = app.add_subcommand("test", "run test files (JSONL: a case and its expected decision a line) against the policy");
  cmd->add_option("paths", o->paths, "test files, or directories of *.jsonl test files")->required();
  cmd->add_option("--policy", o->policy, "policy file (default: the bundled CMM-607 model)");
  cmd->add_option("--junit", o->junit, "also write the results as JUnit XML to FILE");
  cmd->add_flag("--quiet", o->quiet, "list failed tests only");
  return [o] { return guarded([&] { return run_tests(*o); }); };
}

}  // namespace pp::cli
