# The layering, checked (ARCHITECTURE.md "Layers"): dependencies point one way,
#   cli -> serve -> explain | visualize | reports -> solver -> model
# A file of a layer includes only its own layer and the layers below it; only
# solver/ includes Z3, and only solver/ includes the solver-internal headers
# that expose Z3 types; nothing but cli/ includes cli/.
# Usage: cmake -DSOURCE_DIR=<repo> -P cmake/check_layering.cmake
# Run at configure time (CMakeLists.txt) and as the test "meta: layering".
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "check_layering: -DSOURCE_DIR=<repository> is required")
endif()

# layer -> the layers its files may include (its own included).
set(allowed_model model)
set(allowed_solver model solver)
set(allowed_explain model solver explain)
set(allowed_visualize model solver visualize)
set(allowed_reports model solver explain visualize reports)
set(allowed_serve model solver explain visualize reports serve)
set(allowed_cli model solver explain visualize reports serve cli)
set(layers model solver explain visualize reports serve cli)
# Solver headers that include z3++.h: for solver/ only.
set(z3_headers "solver/encoding.h|solver/session.h|solver/witness.h|solver/core_minimizer.h|solver/analysis/")

set(problems "")
foreach(layer ${layers})
  if(NOT IS_DIRECTORY ${SOURCE_DIR}/${layer})
    continue()
  endif()
  file(GLOB_RECURSE files ${SOURCE_DIR}/${layer}/*.h ${SOURCE_DIR}/${layer}/*.cpp)
  foreach(file ${files})
    file(RELATIVE_PATH rel ${SOURCE_DIR} ${file})
    file(STRINGS ${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    foreach(line ${includes})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]*)[>\"].*$" "\\1" target "${line}")
      if(target MATCHES "^z3(\\+\\+)?\\.h$|^z3_" AND NOT layer STREQUAL "solver")
        list(APPEND problems "${rel}: includes <${target}>: only solver/ touches Z3")
        continue()
      endif()
      if(NOT target MATCHES "^([a-z_]+)/")
        continue()
      endif()
      set(to ${CMAKE_MATCH_1})
      list(FIND layers ${to} known)
      if(known EQUAL -1)
        continue()
      endif()
      list(FIND allowed_${layer} ${to} ok)
      if(ok EQUAL -1)
        string(REPLACE ";" ", " may "${allowed_${layer}}")
        list(APPEND problems "${rel}: includes \"${target}\": the ${layer} layer may include only ${may}")
      elseif(NOT layer STREQUAL "solver" AND target MATCHES "^(${z3_headers})")
        list(APPEND problems "${rel}: includes \"${target}\", a solver-internal header that exposes Z3")
      endif()
    endforeach()
  endforeach()
endforeach()

if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "layering broken:\n  ${text}")
endif()
message(STATUS "layering: every include points down")
