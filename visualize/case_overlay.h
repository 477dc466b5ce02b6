// A case's path through the decision graph (visualize layer): the value of
// every vertex under one evaluation, and the edges that decided the outcome.
#pragma once
#include <string>
#include <vector>

#include "model/evaluator.h"
#include "model/policy.h"
#include "solver/case_engine.h"
#include "visualize/decision_graph.h"

namespace pp::visualize {

struct CaseOverlay {
  std::string case_id;
  model::Decision decision = model::Decision::Undetermined;
  std::vector<model::Tri> value;      // per vertex: met (True), not met (False), unknown
  std::vector<bool> on_path;          // per vertex: leads to the decision over decisive edges
  std::vector<bool> highlighted;      // per vertex: a met pathway or an exclusion that applies
  std::vector<std::string> decisive_unknowns;  // fact paths (undetermined cases)
  bool exact = true;                  // false when the solver hit a limit
};

// The overlay of one evaluated case. Criterion vertices take the values the
// evaluation reports; the gates combine their inputs in Kleene logic, in
// topological order; the decision vertex shows `r.decision` (the exact one).
// An edge is decisive when its source's value alone fixes its target's value
// (a false part of an ALL, a true part of an ANY, a part agreeing with it);
// `on_path` is what reaches the decision over decisive edges.
CaseOverlay overlay_case(const DecisionGraph& g, const model::Policy& p, const solver::CaseResult& r,
                         const std::string& case_id);

// True when the edge is decisive under `ov` (see overlay_case).
bool is_decisive(const DecisionGraph& g, const CaseOverlay& ov, const Edge& e);

}  // namespace pp::visualize
