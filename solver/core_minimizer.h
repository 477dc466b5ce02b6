// Minimal unsat cores over tracker literals (solver layer; solver-internal,
// includes z3++.h): the one core minimiser of the solver layer.
#pragma once
#include <optional>
#include <vector>

#include <z3++.h>

namespace pp::solver {

// In what order the core's literals are tried for deletion (which minimal
// core is found depends on it).
enum class CoreOrder {
  AsFound,  // the order of Z3's unsat core
  ByIndex   // ascending tracker index
};

// `s` holds `implies(trackers[i], literal_i)` for each i. Checks `s` under all
// the trackers; when unsat, shrinks Z3's unsat core by deletion (drop one
// literal at a time, keep the drop while still unsat: the deletion-based
// MUS algorithm, Marques-Silva & Lynce, "On improving MUS extraction
// algorithms", SAT 2011) and returns the indices of a minimal core, in
// `order`. nullopt when the trackers are satisfiable (or the solver gave up).
std::optional<std::vector<size_t>> minimal_core(z3::solver& s, const std::vector<z3::expr>& trackers, CoreOrder order);

}  // namespace pp::solver
