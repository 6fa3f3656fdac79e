# The network fault campaign (tests/faults/README.md): live runs at speed-up 1
# with the SIP leg impaired inside network namespaces of the test's own.
# rbf_relay is the user-space delay/jitter/reorder stage (no netem, no
# nfqueue in this kernel).
add_executable(rbf_relay ${CMAKE_SOURCE_DIR}/tests/faults/rbf_relay.c)
# One 60-second case with 1 % loss in CI's default set; the rest are slow.
set(rbf_cases loss1:integration loss5:slow delay:slow reorder:slow dup:slow smtpdown:slow)
foreach(c ${rbf_cases})
  string(REPLACE ":" ";" parts ${c})
  list(GET parts 0 name)
  list(GET parts 1 label)
  add_test(NAME faults_${name} COMMAND bash ${CMAKE_SOURCE_DIR}/tests/faults/fault_case.sh ${name}
    ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
  set_tests_properties(faults_${name} PROPERTIES LABELS ${label} TIMEOUT 300 SKIP_RETURN_CODE 77
    RESOURCE_LOCK rbf_network)
endforeach()
