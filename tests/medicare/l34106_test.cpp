// Medicare LCD L34106 as data: every criterion quotes the LCD verbatim, every
// numbered item of its coverage section is encoded, the shared vocabulary,
// boundary pairs, the scope (out_of_scope, never a denial), and every
// capability through the CLI (`--policy L34106`).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "model/case_reader.h"
#include "model/evaluator.h"
#include "model/policy.h"
#include "solver/case_engine.h"
#include "support/policy_text.h"
#include "support/run.h"
#include "support/shared.h"

namespace {

using pp::model::Decision;
using pp::model::Tri;

const std::string kPolicy = std::string(PP_SOURCE_DIR) + "/model/policies/medicare-lcd-L34106.yaml";
const std::string kExample = std::string(PP_SOURCE_DIR) + "/model/policies/medicare-lcd-L34106.example-case.json";

std::shared_ptr<const pp::model::Policy> policy() {
  static auto p = pp::model::load_policy_file(kPolicy);
  return p;
}

std::string source() { return pp::test::slurp(std::string(PP_SOURCE_DIR) + "/model/policies/medicare-lcd-L34106.md"); }

// The coverage section: from its heading to "Summary of Evidence".
std::string coverage_section() {
  std::string src = source();
  auto a = src.find("Coverage Indications, Limitations, and/or Medical Necessity\n");
  auto b = src.find("Summary of Evidence", a);
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  return src.substr(a, b - a);
}

// Its numbered items (1., a., i., A., ...), continuation lines joined.
std::vector<std::string> items() {
  std::istringstream in(coverage_section());
  std::string line;
  std::vector<std::string> out;
  static const std::regex marker(R"(^\s*([0-9]+|[a-z]+|[A-Z])\.\s+(.*)$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, marker)) out.push_back(m[2]);
    else if (!out.empty() && line.find_first_not_of(" \t") != std::string::npos) out.back() += " " + line;
  }
  return out;
}

// The shared normal form, with `<` kept (the LCD's "(< 6 weeks)" is text, not a tag).
std::string norm(const std::string& s) {
  std::string t;
  for (char c : s) t += c == '<' ? std::string("&lt;") : std::string(1, c);
  return pp::test::normalize_text(t);
}

nlohmann::json example() { return nlohmann::json::parse(pp::test::slurp(kExample)); }

Decision decide(const nlohmann::json& j) {
  auto p = policy();
  pp::model::CaseReader reader(*p);
  pp::model::Case c = reader.read(j.dump(), "case.json");
  pp::solver::CaseEngine engine(p);
  return engine.evaluate(c).decision;
}

}  // namespace

TEST_CASE("L34106: the bundled copy of the LCD is the shared source text") {
  std::string shared = pp::test::shared_path("source/medicare-lcd-L34106.md", "the bundled copy is checked against it");
  if (shared.empty()) return;
  CHECK(source() == pp::test::slurp(shared));
}

TEST_CASE("L34106: every quoted wording occurs verbatim in the LCD") {
  auto p = policy();
  std::string src = norm(source());
  for (const auto& c : p->criteria) {
    INFO(c.id);
    CHECK(src.find(norm(c.text)) != std::string::npos);
  }
  for (const auto& c : p->categories) {
    INFO(c.id);
    CHECK(src.find(norm(c.text)) != std::string::npos);
  }
  CHECK(src.find(norm(p->decision_text)) != std::string::npos);
  for (const auto& a : p->ambiguities) {
    INFO(a.id);
    CHECK(src.find(norm(a.quote)) != std::string::npos);
  }
}

TEST_CASE("L34106: every numbered item of the coverage section is encoded") {
  auto p = policy();
  auto all = items();
  REQUIRE(all.size() == 28);  // 1, a, b, i, ii, 1, 2, A-D, c, i, ii, 2, a, i-iii, b, i-viii
  std::vector<std::string> texts;
  for (const auto& c : p->criteria) texts.push_back(norm(c.text));
  for (const auto& c : p->categories) texts.push_back(norm(c.text));
  for (const auto& a : p->ambiguities) texts.push_back(norm(a.quote));
  for (const auto& item : all) {
    std::string b = norm(item);
    bool covered = false;
    for (const auto& t : texts) covered |= (b.find(t) != std::string::npos && t.size() * 3 >= b.size()) || t.find(b) != std::string::npos;
    INFO(item);
    CHECK(covered);
  }
}

TEST_CASE("L34106: the model has the LCD's parts, with its scope") {
  auto p = policy();
  CHECK(p->id == "L34106");
  CHECK(p->pathways.size() == 1);
  int absolute = 0, relative = 0;
  for (int x : p->exclusions) {
    absolute += p->criteria[x].category == "absolute_contraindication";
    relative += p->criteria[x].category == "relative_contraindication";
  }
  CHECK(absolute == 3);
  CHECK(relative == 8);
  REQUIRE(p->scope >= 0);
  CHECK(p->criteria[p->scope].id == "SCOPE.osteoporotic_vcf");
  std::set<std::string> amb;
  for (const auto& a : p->ambiguities) amb.insert(a.id);
  for (const char* id : {"AMB.relative_contraindications", "AMB.acute_boundary", "AMB.scope"}) CHECK(amb.count(id));
  // Bundled, by id.
  auto r = pp::test::run("evaluate --policy L34106 " + kExample + " --format json");
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["decision"] == "medically_necessary");
}

TEST_CASE("L34106: one vocabulary with CMM-607, shared facts keep its paths, CMM-607 reads none of the new ones") {
  auto p = policy();
  auto cmm = pp::model::load_bundled_policy();
  CHECK(p->vocab.id == cmm->vocab.id);
  auto reads = [](const pp::model::Policy& pol) {
    std::set<std::string> out;
    for (const auto& c : pol.criteria) {
      std::vector<int> atoms;
      pp::model::collect_atoms(c.expr, atoms);
      for (int a : atoms) out.insert(pol.vocab.slots[pol.vocab.atoms[a].slot].path);
    }
    return out;
  };
  auto lcd = reads(*p), cmm_reads = reads(*cmm);
  for (const char* shared : {"request.technique", "request.levels", "imaging.findings.osteoporotic_vcf",
                             "contraindications.material_allergy", "contraindications.uncorrected_coagulation_disorder",
                             "contraindications.osteomyelitis_target_vertebra", "pain.duration_weeks"}) {
    INFO(shared);
    CHECK(lcd.count(shared));
    CHECK(cmm_reads.count(shared));
  }
  for (const char* own : {"pregnant", "hospitalized", "pain.score", "function.rdq_score", "imaging.mri_marrow_edema",
                          "osteoporosis.referred_bmd_education", "spinal_conditions.instability", "pain.primarily_from_vcf"}) {
    INFO(own);
    CHECK(lcd.count(own));
    CHECK(!cmm_reads.count(own));
  }
}

TEST_CASE("L34106: boundary pairs") {
  auto base = example();
  REQUIRE(decide(base) == Decision::MedicallyNecessary);
  auto with = [&](const char* ptr, nlohmann::json v) {
    auto j = base;
    j[nlohmann::json::json_pointer(ptr)] = v;
    return decide(j);
  };
  CHECK(with("/pain/duration_weeks", 5.99) == Decision::MedicallyNecessary);
  CHECK(with("/pain/duration_weeks", 6) == Decision::MedicallyNecessary);
  CHECK(with("/pain/duration_weeks", 12) == Decision::MedicallyNecessary);
  CHECK(with("/pain/duration_weeks", 12.01) == Decision::NotMedicallyNecessary);
  CHECK(with("/pain/score", 5) == Decision::MedicallyNecessary);
  CHECK(with("/pain/score", 4.9) == Decision::NotMedicallyNecessary);
  CHECK(with("/request/levels", {"T1"}) == Decision::MedicallyNecessary);
  CHECK(with("/request/levels", {"L5"}) == Decision::MedicallyNecessary);
  CHECK(with("/request/levels", {"C7"}) == Decision::NotMedicallyNecessary);
  CHECK(with("/request/levels", {"sacrum"}) == Decision::NotMedicallyNecessary);
  CHECK(with("/request/levels", {"T3", "T4", "T5"}) == Decision::MedicallyNecessary);
  CHECK(with("/request/levels", {"T3", "T4", "T5", "T6"}) == Decision::NotMedicallyNecessary);
  CHECK(with("/pregnant", true) == Decision::NotMedicallyNecessary);
  CHECK(with("/pain/primarily_from_vcf", false) == Decision::NotMedicallyNecessary);
  CHECK(with("/spinal_conditions", {"neural_impingement"}) == Decision::NotMedicallyNecessary);
  CHECK(with("/osteoporosis/instructed_program", false) == Decision::NotMedicallyNecessary);
  CHECK(with("/imaging/mri_marrow_edema", false) == Decision::NotMedicallyNecessary);
  CHECK(with("/imaging/scan_uptake", true) == Decision::MedicallyNecessary);
  // Anticoagulation therapy alone is no coagulopathy; a UTI is neither systemic nor at the site.
  CHECK(with("/contraindications", {"anticoagulation_therapy"}) == Decision::MedicallyNecessary);
  CHECK(with("/contraindications", {"active_infection"}) == Decision::MedicallyNecessary);
  CHECK(with("/contraindications", {"uncorrected_coagulation_disorder"}) == Decision::NotMedicallyNecessary);
  // Hospitalized: severe pain >= 8.
  base["hospitalized"] = true;
  CHECK(with("/pain/score", 8) == Decision::MedicallyNecessary);
  CHECK(with("/pain/score", 7.9) == Decision::NotMedicallyNecessary);
  // Stable pain needs two of A-D.
  base["hospitalized"] = false;
  base["pain"]["trend_despite_nsm"] = "stable";
  CHECK(decide(base) == Decision::NotMedicallyNecessary);
  base["function"]["rdq_score"] = 18;
  CHECK(decide(base) == Decision::NotMedicallyNecessary);
  CHECK(with("/fracture/height_reduction_percent", 26) == Decision::MedicallyNecessary);
  CHECK(with("/fracture/height_reduction_percent", 25) == Decision::NotMedicallyNecessary);
  CHECK(with("/fracture/kyphotic_deformity", true) == Decision::MedicallyNecessary);
  base["function"]["rdq_score"] = 17;
  CHECK(with("/fracture/kyphotic_deformity", true) == Decision::NotMedicallyNecessary);
}

TEST_CASE("L34106: a case outside the LCD's scope is out_of_scope, never a denial") {
  auto j = example();
  j["imaging"]["findings"] = {"osteolytic_metastasis"};
  CHECK(decide(j) == Decision::OutOfScope);
  // Out of scope whatever else fails (a T3 level is fine here; a pregnancy would bar).
  j["pregnant"] = true;
  CHECK(decide(j) == Decision::OutOfScope);
  // Unknown scope: out of scope or a denial, so undetermined; known the rest, the engine says which.
  auto u = example();
  u["imaging"]["findings"] = nlohmann::json::object({{"osteolytic_metastasis", true}});
  CHECK(decide(u) == Decision::Undetermined);
  u["pregnant"] = true;  // never approved: a denial if in scope, else out of scope
  CHECK(decide(u) == Decision::Undetermined);
  // CMM-607 has no scope: the same malignant case is decided (denied here).
  auto cmm = pp::model::load_bundled_policy();
  pp::model::CaseReader reader(*cmm);
  pp::solver::CaseEngine engine(cmm);
  CHECK(engine.evaluate(reader.read(j.dump(), "case.json")).decision == Decision::NotMedicallyNecessary);
  // Through the CLI: JSON says out_of_scope, the text quotes the scope sentence.
  std::string path = pp::test::temp_path("oos.json");
  pp::test::spit(path, j.dump());
  auto r = pp::test::run("evaluate --policy L34106 " + path + " --format json");
  CHECK(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["decision"] == "out_of_scope");
  auto t = pp::test::run("evaluate --policy L34106 " + path);
  CHECK(t.out.rfind("OUT OF SCOPE", 0) == 0);
  // the words as one paragraph (text output wraps at 100 columns)
  std::string words = std::regex_replace(t.out, std::regex("\\s+"), " ");
  CHECK(words.find("only address Vertebral Augmentation for Osteoporotic") != std::string::npos);
  auto e = pp::test::run("explain --policy L34106 " + path);
  CHECK(e.exit_code == 0);
  CHECK(e.out.rfind("OUT OF SCOPE", 0) == 0);
  std::remove(path.c_str());
}

TEST_CASE("L34106: every capability through the CLI") {
  // evaluate, batch: one line per case, in order.
  auto ex = example();
  std::string batch;
  for (double w : {3.0, 20.0}) {
    auto j = ex;
    j["pain"]["duration_weeks"] = w;
    batch += j.dump() + "\n";
  }
  auto oos = ex;
  oos["imaging"]["findings"] = {"primary_malignant_bone_neoplasm"};
  batch += oos.dump() + "\n";
  std::string path = pp::test::temp_path("batch.jsonl");
  pp::test::spit(path, batch);
  auto b = pp::test::run("evaluate --policy L34106 --batch " + path);
  REQUIRE(b.exit_code == 0);
  std::istringstream lines(b.out);
  std::vector<std::string> decisions;
  for (std::string l; std::getline(lines, l);) decisions.push_back(nlohmann::json::parse(l)["decision"]);
  CHECK(decisions == std::vector<std::string>{"medically_necessary", "not_medically_necessary", "out_of_scope"});
  std::remove(path.c_str());

  // prove: its own properties, all proved (pregnancy never covered; T1-T4 can be).
  auto pr = pp::test::run("prove --policy L34106 --format json --timeout 0 --rlimit 50000000");
  INFO(pr.err);
  REQUIRE(pr.exit_code == 0);
  auto pj = nlohmann::json::parse(pr.out);
  std::set<std::string> ids;
  for (const auto& prop : pj["properties"]) {
    INFO(prop.dump());
    CHECK(prop["status"] != "violated");
    CHECK(prop["status"] != "unknown");
    ids.insert(prop["id"].get<std::string>());
  }
  CHECK(ids.count("M01.no_pregnancy"));
  CHECK(ids.count("M20.upper_thoracic_coverable"));

  // explain: a denial names its reasons and corrections.
  auto deny = ex;
  deny["osteoporosis"]["instructed_program"] = false;
  std::string dp = pp::test::temp_path("deny.json");
  pp::test::spit(dp, deny.dump());
  auto e = pp::test::run("explain --policy L34106 " + dp + " --format json");
  REQUIRE(e.exit_code == 0);
  CHECK(e.out.find("IN.1.c.ii") != std::string::npos);
  CHECK(e.out.find("osteoporosis.instructed_program") != std::string::npos);
  std::remove(dp.c_str());

  // analyze, render, report.
  auto an = pp::test::run("analyze --policy L34106 --timeout 0 --rlimit 50000000");
  INFO(an.err);
  CHECK((an.exit_code == 0 || an.exit_code == 1));
  CHECK(an.out.find("AMB.relative_contraindications") != std::string::npos);
  auto rd = pp::test::run("render --policy L34106 --format dot -o -");
  CHECK(rd.exit_code == 0);
  CHECK(rd.out.find("EX.2.a.iii") != std::string::npos);
  CHECK(rd.out.find("SCOPE.osteoporotic_vcf") != std::string::npos);
  std::string dir = pp::test::temp_path("report");
  auto rp = pp::test::run("report -q --policy L34106 --timeout 0 --rlimit 50000000 -o " + dir);
  INFO(rp.err);
  CHECK(rp.exit_code == 0);
  std::string page = pp::test::slurp(dir + "/index.html");
  CHECK(page.find("Greater than three vertebral fractures per procedure") != std::string::npos);
  CHECK(page.find("Noridian") != std::string::npos);  // the LCD's own text, bundled
  std::system(("rm -rf " + dir).c_str());
}
