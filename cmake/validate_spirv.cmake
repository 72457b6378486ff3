# Runs spirv-val on every embedded shader (ctest: shaders_spirv_val), so a
# module the build produced but a driver would reject fails here, also the
# tensor-core kernels that lavapipe cannot run.
file(GLOB modules "${DIR}/*.spv")
list(LENGTH modules count)
if(count EQUAL 0)
  message(FATAL_ERROR "no SPIR-V modules in ${DIR}")
endif()
set(failed "")
foreach(module IN LISTS modules)
  execute_process(COMMAND ${SPIRV_VAL} --target-env vulkan1.2 ${module}
                  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    get_filename_component(name ${module} NAME)
    message("${name}: ${output}")
    list(APPEND failed ${name})
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "spirv-val rejected: ${failed}")
endif()
message("spirv-val: ${count} modules valid (Vulkan 1.2)")
