# ohci-sim from the command line: a short stream passes with the JSON report's counts; bad
# options exit 2 with one line naming the option and simulate nothing.
# cmake -DOHCI_SIM=<path> -DWORK_DIR=<dir> -P ohci_sim_cli_test.cmake
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(expect_json json key expected)
  string(JSON value GET "${json}" ${key})
  if(NOT value STREQUAL expected)
    message(FATAL_ERROR "ohci-sim JSON: ${key} = ${value}, expected ${expected}")
  endif()
endfunction()

# A passing run: 200 packets byte-exact, every key of the report there.
execute_process(COMMAND ${OHCI_SIM} --packets 200 --quiet --json ${WORK_DIR}/out.json
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "ohci-sim --packets 200 exited ${status}:\n${out}\n${err}")
endif()
file(READ ${WORK_DIR}/out.json json)
foreach(key packets_sent packets_received bytes_received mismatches packets_lost underruns
            overruns crc_errors it_interrupts it_callbacks ir_interrupts sim_cycles bus_seconds
            wall_seconds sim_hz)
  string(JSON value ERROR_VARIABLE missing GET "${json}" ${key})
  if(missing)
    message(FATAL_ERROR "ohci-sim JSON: no key ${key}")
  endif()
endforeach()
expect_json("${json}" packets_sent 200)
expect_json("${json}" packets_received 200)
expect_json("${json}" mismatches 0)
expect_json("${json}" packets_lost 0)
expect_json("${json}" it_interrupts 25)
expect_json("${json}" it_callbacks 25)

# Deliberate bus faults are not mismatches.
execute_process(COMMAND ${OHCI_SIM} --packets 150 --quiet --fault crc=0.05,drop=0.05 --json
                        ${WORK_DIR}/fault.json RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "ohci-sim with faults exited ${status}:\n${out}")
endif()
file(READ ${WORK_DIR}/fault.json json)
expect_json("${json}" mismatches 0)
expect_json("${json}" packets_sent 150)

# An injected AXI error kills the DMA context whose burst failed and the driver fails that
# stream: with a rate of 1 the first burst of the run fails, so the run stops at once, by a
# deliberate fault: exit 0, nothing mismatched or lost, the stop explained in fault_stop.
execute_process(COMMAND ${OHCI_SIM} --packets 100 --quiet --fault axi-error=1 --json
                        ${WORK_DIR}/axi.json RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "ohci-sim with axi-error=1 exited ${status}:\n${out}")
endif()
file(READ ${WORK_DIR}/axi.json json)
expect_json("${json}" mismatches 0)
expect_json("${json}" packets_lost 0)
string(JSON axi_errors GET "${json}" axi_errors)
string(JSON fault_stop GET "${json}" fault_stop)
if(axi_errors LESS 1 OR fault_stop STREQUAL "")
  message(FATAL_ERROR "ohci-sim axi-error=1: axi_errors ${axi_errors}, fault_stop '${fault_stop}'")
endif()

# A talker alone on the bus: every packet sent, no listener, a pass.
execute_process(COMMAND ${OHCI_SIM} --nodes 1 --packets 40 --quiet --json ${WORK_DIR}/alone.json
                RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "ohci-sim --nodes 1 exited ${status}:\n${out}")
endif()
file(READ ${WORK_DIR}/alone.json json)
expect_json("${json}" packets_sent 40)
expect_json("${json}" packets_received 0)
expect_json("${json}" it_interrupts 5)

# --event-log: the events, then the pin digest line; the same run twice gives the same file.
foreach(run a b)
  execute_process(COMMAND ${OHCI_SIM} --packets 16 --quiet --event-log ${WORK_DIR}/events.${run}
                          --json ${WORK_DIR}/events.${run}.json RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "ohci-sim --event-log exited ${status}")
  endif()
endforeach()
file(READ ${WORK_DIR}/events.a log_a)
file(READ ${WORK_DIR}/events.b log_b)
if(NOT log_a STREQUAL log_b OR NOT log_a MATCHES "DMA write" OR
   NOT log_a MATCHES "\npin digest 0x[0-9a-f]+ over [0-9]+ clk\n$")
  message(FATAL_ERROR "ohci-sim --event-log: two runs differ or the log is incomplete")
endif()
file(READ ${WORK_DIR}/events.a.json json)
string(JSON digest GET "${json}" pin_digest)
string(FIND "${log_a}" "pin digest ${digest}" found)
if(found EQUAL -1)
  message(FATAL_ERROR "ohci-sim --event-log: JSON pin_digest ${digest} is not the log's")
endif()
execute_process(COMMAND ${OHCI_SIM} --packets 16 --quiet --event-log ${WORK_DIR}/no/such/dir/log
                RESULT_VARIABLE status ERROR_VARIABLE err)
if(status EQUAL 0 OR NOT err MATCHES "--event-log")
  message(FATAL_ERROR "ohci-sim --event-log into a missing directory: exit ${status}, '${err}'")
endif()

# Bad options: exit 2, one line naming the option, no JSON written.
foreach(case "--payload;5000;--speed;s400|--payload" "--payload;3000;--speed;s200|--payload"
             "--batch;0|--batch" "--fault;axle=0.1|--fault"
             "--fault;axi-error=2|--fault" "--speed;s800|--speed" "--nodes;0|--nodes"
             "--nodes;64|--nodes")
  string(REPLACE "|" ";" parts "${case}")
  list(POP_BACK parts option)
  file(REMOVE ${WORK_DIR}/bad.json)
  execute_process(COMMAND ${OHCI_SIM} ${parts} --json ${WORK_DIR}/bad.json
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(STRIP "${err}" err)
  string(FIND "${err}" "\n" newline)
  string(FIND "${err}" "${option}" named)
  if(NOT status EQUAL 2 OR NOT newline EQUAL -1 OR named EQUAL -1 OR EXISTS ${WORK_DIR}/bad.json)
    message(FATAL_ERROR "ohci-sim ${parts}: exit ${status}, stderr '${err}', stdout '${out}'")
  endif()
endforeach()
