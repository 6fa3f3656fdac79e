# Fuzz targets (libFuzzer). Included as a fragment folder by the root
# CMakeLists.txt (fragment folder "fuzz").
#
# rb_fuzzer(NAME SOURCES fuzz/fuzz_x.c DEPS module... [SECONDS n])
#   With -DRB_FUZZ=ON (needs clang): an executable fuzz_NAME built with
#   -fsanitize=fuzzer,address,undefined; the DEPS modules are instrumented
#   too (-fsanitize=fuzzer-no-link,address,undefined), and a ctest
#   "fuzz_NAME" (labels fuzz;slow) runs it for SECONDS (default 60) from the
#   seed corpus fuzz/corpus/NAME/ (new inputs go to the build folder, never
#   into the sources).
#   Always (any compiler): an executable fuzzrun_NAME, the same target with
#   a plain main() (fuzz/fuzz_replay.c) that runs every seed once, and a
#   unit test "fuzzrun_NAME" that does so: the seed corpus as a regression
#   test, under ASan (RB_SANITIZE) and valgrind too.
#
#   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DRB_FUZZ=ON
#   cmake --build build-fuzz --target fuzz_sipmsg
#   ./build-fuzz/fuzz_sipmsg -max_total_time=60 /tmp/corpus fuzz/corpus/sipmsg
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
  set(corpus ${CMAKE_SOURCE_DIR}/fuzz/corpus/${name})

  add_executable(fuzzrun_${name} ${srcs} ${CMAKE_SOURCE_DIR}/fuzz/fuzz_replay.c)
  target_link_libraries(fuzzrun_${name} PRIVATE ${deps})
  add_test(NAME fuzzrun_${name} COMMAND fuzzrun_${name} ${corpus})
  set_tests_properties(fuzzrun_${name} PROPERTIES LABELS unit TIMEOUT 60)

  if(RB_FUZZ)
    if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
      message(WARNING "RB_FUZZ needs clang (-DCMAKE_C_COMPILER=clang): fuzz_${name} not built")
      return()
    endif()
    set(fl -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
    foreach(d ${deps})
      if(TARGET ${d} AND NOT d MATCHES "::")
        target_compile_options(${d} PRIVATE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
      endif()
    endforeach()
    add_executable(fuzz_${name} ${srcs})
    target_compile_options(fuzz_${name} PRIVATE ${fl})
    target_link_options(fuzz_${name} PRIVATE ${fl})
    target_link_libraries(fuzz_${name} PRIVATE ${deps})
    set(work ${CMAKE_BINARY_DIR}/fuzz-corpus/${name})
    add_test(NAME fuzz_${name}
      COMMAND sh -c "mkdir -p '${work}' && exec '$<TARGET_FILE:fuzz_${name}>' -max_total_time=${F_SECONDS} -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 '${work}' '${corpus}'")
    math(EXPR tmo "${F_SECONDS} + 120")
    set_tests_properties(fuzz_${name} PROPERTIES LABELS "fuzz;slow" TIMEOUT ${tmo})
  endif()
endfunction()

rb_fuzzer(sipmsg SOURCES fuzz/fuzz_sipmsg.c DEPS sipmsg SECONDS 60)
