// Making the solver's Z3 context ahead of need (solver layer; no Z3 types,
// so every layer above may call it).
#pragma once

namespace pp::solver {

// Starts making a Z3 context on another thread; the next Session made takes
// it (waiting for it if need be) instead of making its own. A context costs
// 10-15 ms to make, about what loading a policy costs, so a one-case command
// (explain) that calls this first overlaps the two on a second core. Call it
// only while no other thread uses Z3. A context never taken is left to the
// operating system at exit.
void prewarm_context();

}  // namespace pp::solver
