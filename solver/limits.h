// Resource limits of Z3 queries (solver layer; no Z3 types here, so the CLI
// and the other layers can pass limits without seeing Z3).
#pragma once

namespace pp::solver {

struct Limits {
  unsigned timeout_ms = 5000;  // wall-clock guard per query (0 = none)
  unsigned rlimit = 0;         // deterministic resource limit per query (0 = none); tests use this
};

}  // namespace pp::solver
