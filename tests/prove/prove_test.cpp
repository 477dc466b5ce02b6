// `prove`: the bundled CMM-607 properties are proved; false properties are
// violated with counterexamples that the concrete evaluator and `evaluate`
// reproduce; bad properties files are refused at file:line:column; and cvc5
// agrees with Z3 on every emitted SMT-LIB obligation.
#include <catch2/catch.hpp>
#include <dirent.h>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "model/case_reader.h"
#include "model/case_writer.h"
#include "model/evaluator.h"
#include "model/properties.h"
#include "solver/prover.h"
#include "support/diagnostics.h"
#include "support/run.h"

using pp::model::PropertyKind;
using pp::model::Tri;
using pp::solver::Status;

namespace {

pp::solver::Limits test_limits() {
  pp::solver::Limits l;
  l.timeout_ms = 0;  // deterministic: a resource limit only
  l.rlimit = 50'000'000;
  return l;
}
const char* kLimitFlags = "--timeout 0 --rlimit 50000000";

const std::string kFalseFile = "tests/prove/false.properties.yaml";

// Writes `c` in the case format, reads it back strictly, and evaluates it.
struct Replayed {
  pp::model::Case c;
  pp::model::Evaluation ev;
};
Replayed round_trip(const pp::model::Policy& policy, const pp::model::Case& c) {
  std::string json = pp::model::write_case_json(policy.vocab, c);
  pp::model::CaseReader reader(policy);
  Replayed r{reader.read(json, "counterexample.json"), {}};
  r.ev = pp::model::Evaluator(policy).evaluate(r.c);
  for (size_t a = 0; a < c.known.size(); ++a) {
    INFO(policy.vocab.atoms[a].name);
    CHECK(r.c.known[a] == c.known[a]);
    CHECK(r.c.value[a] == c.value[a]);
  }
  return r;
}

std::string cvc5_answer(const std::string& file) {
  auto out = pp::test::temp_path("cvc5");
  int rc = std::system(("cvc5 --lang smt2 " + file + " >" + out + " 2>&1").c_str());
  std::string s = pp::test::slurp(out);
  std::remove(out.c_str());
  if (rc != 0) return "error: " + s;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("the bundled CMM-607 properties are all proved", "[prove]") {
  auto policy = pp::model::load_bundled_policy();
  auto set = pp::model::load_default_properties(*policy);
  REQUIRE(set.properties.size() >= 15);
  pp::solver::Prover prover(policy, test_limits());
  std::set<PropertyKind> kinds;
  for (const auto& p : set.properties) {
    INFO(p.id);
    kinds.insert(p.kind);
    auto o = prover.prove(p);
    CHECK(o.status == Status::Proved);
    CHECK_FALSE(o.counterexample);
    if (p.kind == PropertyKind::Exists) {
      // A witness is shown, and it holds after a trip through the case format.
      REQUIRE(o.witness);
      auto r = round_trip(*policy, *o.witness);
      CHECK(pp::model::Evaluator(*policy).eval(p.expr, r.c, r.ev) == Tri::True);
    }
  }
  CHECK(kinds.size() == 3);  // always, exists and monotone are all exercised
}

TEST_CASE("false properties are violated, and their counterexamples replay", "[prove]") {
  auto policy = pp::model::load_bundled_policy();
  auto set = pp::model::load_properties_file(*policy, kFalseFile);
  REQUIRE(set.properties.size() >= 5);
  pp::solver::Prover prover(policy, test_limits());
  pp::model::Evaluator evaluator(*policy);
  for (const auto& p : set.properties) {
    INFO(p.id);
    auto o = prover.prove(p);
    REQUIRE(o.status == Status::Violated);
    switch (p.kind) {
      case PropertyKind::Always: {
        REQUIRE(o.counterexample);
        CHECK(o.counterexample->case_id == "counterexample-" + p.id);
        auto r = round_trip(*policy, *o.counterexample);
        CHECK(evaluator.eval(p.expr, r.c, r.ev) == Tri::False);
        break;
      }
      case PropertyKind::Exists:
        CHECK_FALSE(o.counterexample);
        CHECK_FALSE(o.witness);
        break;
      case PropertyKind::Monotone: {
        REQUIRE(o.counterexample);
        REQUIRE(o.counterexample_after);
        auto before = round_trip(*policy, *o.counterexample);
        auto after = round_trip(*policy, *o.counterexample_after);
        bool never_approve = p.monotone.never_approve;
        CHECK(before.ev.decision == (never_approve ? Tri::False : Tri::True));
        CHECK(after.ev.decision == (never_approve ? Tri::True : Tri::False));
        // Only the named facts changed, and only upwards.
        std::set<int> grows(p.monotone.atoms.begin(), p.monotone.atoms.end());
        for (size_t a = 0; a < before.c.value.size(); ++a) {
          INFO(policy->vocab.atoms[a].name);
          if (grows.count(static_cast<int>(a))) CHECK(before.c.value[a] <= after.c.value[a]);
          else CHECK(before.c.value[a] == after.c.value[a]);
        }
        break;
      }
    }
  }
}

TEST_CASE("prove and evaluate (the program) agree on every counterexample", "[prove][cli]") {
  auto r = pp::test::run("prove " + kFalseFile + " --format json " + kLimitFlags);
  INFO(r.err);
  REQUIRE(r.exit_code == 1);  // a property is violated
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["policy"]["id"] == "CMM-607");
  CHECK(j["policy"]["version"] == "v1.0.2026");
  CHECK(j["policy"]["sha256"].get<std::string>().size() == 64);
  int replayed = 0;
  auto decision_of = [](const nlohmann::json& c) {
    std::string f = pp::test::temp_path("case.json");
    pp::test::spit(f, c.dump());
    auto e = pp::test::run("evaluate --format json " + f);
    std::remove(f.c_str());
    INFO(e.err);
    REQUIRE(e.exit_code == 0);
    auto ej = nlohmann::json::parse(e.out);
    CHECK(ej["case_id"] == c["case_id"]);
    return ej["decision"].get<std::string>();
  };
  for (const auto& p : j["properties"]) {
    INFO(p.dump());
    CHECK(p["status"] == "violated");
    CHECK(p["text"].is_string());
    if (p["kind"] == "always") {
      // Every always-property in the file forbids some approval: its counterexample is approved.
      CHECK(decision_of(p["counterexample"]) == "medically_necessary");
      ++replayed;
    } else if (p["kind"] == "monotone") {
      std::string before = decision_of(p["counterexample"]);
      std::string after = decision_of(p["counterexample_after"]);
      CHECK(before != after);
      CHECK(before != "undetermined");
      CHECK(after != "undetermined");
      ++replayed;
    } else {
      CHECK_FALSE(p.contains("counterexample"));
    }
  }
  CHECK(replayed >= 5);

  auto ok = pp::test::run(std::string("prove --format json ") + kLimitFlags);
  CHECK(ok.exit_code == 0);
  auto oj = nlohmann::json::parse(ok.out);
  for (const auto& p : oj["properties"]) CHECK(p["status"] == "proved");
  CHECK(oj["summary"]["proved"].get<int>() == static_cast<int>(oj["properties"].size()));
}

TEST_CASE("a resource limit gives `unknown` with the solver's reason, never a verdict", "[prove]") {
  auto policy = pp::model::load_bundled_policy();
  auto set = pp::model::load_default_properties(*policy);
  pp::solver::Limits tiny;
  tiny.timeout_ms = 0;
  tiny.rlimit = 1;
  pp::solver::Prover prover(policy, tiny);
  int unknown = 0;
  for (const auto& p : set.properties) {
    auto o = prover.prove(p);
    CHECK(o.status != Status::Violated);
    if (o.status == Status::Unknown) {
      ++unknown;
      CHECK_FALSE(o.reason.empty());
    }
  }
  CHECK(unknown > 0);
  auto r = pp::test::run("prove --format json --rlimit 1");
  CHECK(r.exit_code == 0);  // unknown is not a violation
  auto j = nlohmann::json::parse(r.out);
  bool saw_reason = false;
  for (const auto& p : j["properties"])
    if (p["status"] == "unknown") saw_reason |= !p["reason"].get<std::string>().empty();
  CHECK(saw_reason);
}

TEST_CASE("bad properties files are refused at file:line:col", "[prove]") {
  std::string dir = std::string(PP_SOURCE_DIR) + "/tests/prove/bad";
  DIR* d = opendir(dir.c_str());
  REQUIRE(d);
  int checked = 0;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() < 5 || name.substr(name.size() - 5) != ".yaml") continue;
    std::string text = pp::test::slurp(dir + "/" + name);
    REQUIRE(text.rfind("# expect: ", 0) == 0);
    std::string expect = text.substr(10, text.find('\n') - 10);
    auto r = pp::test::run("prove tests/prove/bad/" + name);
    INFO(name << "\n" << r.err);
    CHECK(r.exit_code == 2);
    // The one-line diagnostic; when it has a line:col, the source line and a caret follow.
    CHECK(pp::test::first_line(r.err) == expect + "\n");
    if (pp::test::count_lines(r.err) > 1) CHECK(pp::test::excerpt_problem(r.err) == "");
    CHECK(pp::test::run("prove --format json tests/prove/bad/" + name).err == expect + "\n");
    CHECK(r.out.empty());
    // The library reports the same diagnostic.
    auto policy = pp::model::load_bundled_policy();
    try {
      pp::model::load_properties(*policy, text, "tests/prove/bad/" + name);
      FAIL("accepted " << name);
    } catch (const pp::model::DiagnosticError& err) {
      CHECK(err.diagnostic().str() == expect);
      CHECK(err.diagnostic().location.line > 0);
      CHECK(err.diagnostic().location.column > 0);
    }
    ++checked;
  }
  closedir(d);
  CHECK(checked >= 15);
}

TEST_CASE("cvc5 agrees with Z3 on every emitted obligation", "[prove][smt2]") {
  REQUIRE(std::system("cvc5 --version >/dev/null 2>&1") == 0);  // setup.sh installs it
  int files = 0;
  for (std::string props : {std::string(""), kFalseFile}) {
    std::string dir = pp::test::temp_path("smt2");
    auto r = pp::test::run("prove " + props + " --format json --emit-smt2 " + dir + " " + kLimitFlags);
    INFO(r.err);
    REQUIRE((r.exit_code == 0 || r.exit_code == 1));
    auto j = nlohmann::json::parse(r.out);
    for (const auto& p : j["properties"]) {
      std::string id = p["id"];
      std::string file = dir + "/" + id + ".smt2";
      std::string smt = pp::test::slurp(file);
      INFO(id);
      REQUIRE_FALSE(smt.empty());
      CHECK(smt.find("(set-logic ALL)") != std::string::npos);
      CHECK(smt.size() >= 12);
      CHECK(smt.substr(smt.size() - 12) == "(check-sat)\n");
      // sat means violated, except for exists-properties, where it means proved.
      bool sat_violates = p["kind"] != "exists";
      std::string want = (p["status"] == "violated") == sat_violates ? "sat" : "unsat";
      CHECK(cvc5_answer(file) == want);
      ++files;
    }
    std::filesystem::remove_all(dir);
  }
  CHECK(files >= 20);
}

TEST_CASE("golden: prove text output of the bundled properties", "[golden]") {
  auto r = pp::test::run(std::string("prove --format text ") + kLimitFlags);
  CHECK(r.exit_code == 0);
  CHECK(pp::test::matches_golden(std::string(PP_SOURCE_DIR) + "/tests/golden/prove/bundled.expected.txt", r.out));
}
