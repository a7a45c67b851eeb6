# Installs coinkit into a scratch prefix, then configures, builds and runs a consumer
# that knows it only through find_package(coinkit).
file(REMOVE_RECURSE ${WORK_DIR})
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGV}")
  endif()
endfunction()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build -G ${GENERATOR} -DCOINKIT_TESTS=OFF
    -DCOINKIT_EXAMPLES=OFF -DCOINKIT_BENCH=OFF -DCOINKIT_INSTALL=ON -DCMAKE_INSTALL_PREFIX=${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${WORK_DIR}/build)
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/cmake/find_package -B ${WORK_DIR}/consumer -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
run(${WORK_DIR}/consumer/consumer)
