# Fuzz targets (libFuzzer): the fragment folder "fuzz" of the root
# CMakeLists.txt.
#
# rb_fuzzer(NAME SOURCES fuzz/fuzz_x.c DEPS module... [SECONDS n])
#   Always (any compiler): an executable fuzzrun_NAME, the target with a
#   plain main() (fuzz/fuzz_replay.c) that runs every seed of
#   fuzz/corpus/NAME/ once, registered as the unit test "fuzzrun_NAME": the
#   seed corpus as a regression test, under ASan (RB_SANITIZE) and valgrind
#   too.
#   With -DRB_FUZZ=ON (clang only): an executable fuzz_NAME, built with
#   -fsanitize=fuzzer,address,undefined. The sources of the DEPS modules are
#   compiled into it with the same flags (so the fuzzer sees their coverage)
#   while the modules' own libraries, which the other programs link, stay
#   uninstrumented; what the DEPS link in turn is linked as usual. A ctest
#   "fuzz_NAME" (labels fuzz;slow) runs it for SECONDS (default 60) from the
#   seed corpus; new inputs go to the build folder, never into the sources.
#   The fuzz executable is made at the end of configuration (DEFER), so DEPS
#   may be modules whose fragments are read after this folder (analyzers).
#
# Another fuzzer: call rb_fuzzer in this file, or in a fragment named
# fuzz/fuzz_<name>.cmake (it sorts after fuzz.cmake, so rb_fuzzer exists).
#
#   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DRB_FUZZ=ON
#   cmake --build build-fuzz --target fuzz_sipmsg
#   ./build-fuzz/fuzz_sipmsg -max_total_time=60 /tmp/corpus fuzz/corpus/sipmsg
#   (or: cd build-fuzz && ctest -L fuzz)

# The libFuzzer executable (deferred: see above).
function(rb_fuzz_target_ name seconds srcs deps)
  set(all ${srcs})
  set(incs)
  set(links)
  foreach(d ${deps})
    if(TARGET ${d} AND NOT d MATCHES "::")
      get_target_property(ds ${d} SOURCES)
      get_target_property(di ${d} INCLUDE_DIRECTORIES)
      get_target_property(dl ${d} LINK_LIBRARIES)
      list(APPEND all ${ds})
      if(di)
        list(APPEND incs ${di})
      endif()
      if(dl)
        list(APPEND links ${dl})
      endif()
    else()
      list(APPEND links ${d})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES all)
  list(REMOVE_ITEM links ${deps})
  set(fl -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
  add_executable(fuzz_${name} ${all})
  target_include_directories(fuzz_${name} PRIVATE ${incs})
  target_compile_options(fuzz_${name} PRIVATE ${fl})
  target_link_options(fuzz_${name} PRIVATE ${fl})
  target_link_libraries(fuzz_${name} PRIVATE ${links})
  # CI's bounded run starts from a fixed seed, so that a run that fails can
  # be repeated; -DRB_FUZZ_SEED=0 lets libFuzzer pick one (longer local runs).
  set(RB_FUZZ_SEED 1 CACHE STRING "libFuzzer -seed for the bounded fuzz tests (0: random)")
  set(work ${CMAKE_BINARY_DIR}/fuzz-corpus/${name})
  set(corpus ${CMAKE_SOURCE_DIR}/fuzz/corpus/${name})
  add_test(NAME fuzz_${name}
    COMMAND sh -c "mkdir -p '${work}' && exec '$<TARGET_FILE:fuzz_${name}>' -max_total_time=${seconds} -seed=${RB_FUZZ_SEED} -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 '${work}' '${corpus}'")
  math(EXPR tmo "${seconds} + 120")
  set_tests_properties(fuzz_${name} PROPERTIES LABELS "fuzz;slow" TIMEOUT ${tmo})
endfunction()

function(rb_fuzzer name)
  cmake_parse_arguments(F "" "SECONDS" "SOURCES;DEPS" ${ARGN})
  if(NOT F_SECONDS)
    set(F_SECONDS 60)
  endif()
  set(srcs)
  foreach(s ${F_SOURCES})
    list(APPEND srcs ${CMAKE_SOURCE_DIR}/${s})
  endforeach()
  rb_resolve_deps(deps ${F_DEPS})

  add_executable(fuzzrun_${name} ${srcs} ${CMAKE_SOURCE_DIR}/fuzz/fuzz_replay.c)
  target_link_libraries(fuzzrun_${name} PRIVATE ${deps})
  add_test(NAME fuzzrun_${name} COMMAND fuzzrun_${name} ${CMAKE_SOURCE_DIR}/fuzz/corpus/${name})
  set_tests_properties(fuzzrun_${name} PROPERTIES LABELS unit TIMEOUT 60)

  if(RB_FUZZ)
    if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
      message(WARNING "RB_FUZZ needs clang (-DCMAKE_C_COMPILER=clang): fuzz_${name} not built")
      return()
    endif()
    cmake_language(EVAL CODE
      "cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]] CALL rb_fuzz_target_ [[${name}]] [[${F_SECONDS}]] [[${srcs}]] [[${deps}]])")
  endif()
endfunction()

rb_fuzzer(sipmsg SOURCES fuzz/fuzz_sipmsg.c DEPS sipmsg SECONDS 60)
rb_fuzzer(registrar SOURCES fuzz/fuzz_registrar.c DEPS registrar SECONDS 60)
