# Compiles GLSL compute shaders to SPIR-V with glslc and embeds them in a
# static library, so the binary never looks shader files up at run time.
function(afterimage_embed_shaders target)
  set(spv_files)
  foreach(src IN LISTS ARGN)
    get_filename_component(name ${src} NAME_WE)
    set(spv ${CMAKE_CURRENT_BINARY_DIR}/spv/${name}.spv)
    add_custom_command(
      OUTPUT ${spv}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/spv
      COMMAND ${GLSLC} --target-env=vulkan1.2 -O -I${CMAKE_CURRENT_SOURCE_DIR}
              -MD -MF ${spv}.d -o ${spv} ${CMAKE_CURRENT_SOURCE_DIR}/${src}
      DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${src}
      DEPFILE ${spv}.d
      COMMENT "glslc ${src}")
    list(APPEND spv_files ${spv})
    # The tensor-core kernels also as plain shaders (shaders/coopmat.glsl),
    # for checking them on devices without cooperative matrices.
    if(name MATCHES "_coopmat$")
      set(emulated ${CMAKE_CURRENT_BINARY_DIR}/spv/${name}_emulated.spv)
      add_custom_command(
        OUTPUT ${emulated}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/spv
        COMMAND ${GLSLC} --target-env=vulkan1.2 -O -DCOOPMAT_EMULATED -I${CMAKE_CURRENT_SOURCE_DIR}
                -MD -MF ${emulated}.d -o ${emulated} ${CMAKE_CURRENT_SOURCE_DIR}/${src}
        DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${src}
        DEPFILE ${emulated}.d
        COMMENT "glslc ${src} (emulated cooperative matrices)")
      list(APPEND spv_files ${emulated})
    endif()
  endforeach()
  set(generated ${CMAKE_CURRENT_BINARY_DIR}/embedded_shaders.cpp)
  add_custom_command(
    OUTPUT ${generated}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${generated} "-DINPUTS=${spv_files}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_spirv.cmake
    DEPENDS ${spv_files} ${PROJECT_SOURCE_DIR}/cmake/embed_spirv.cmake
    COMMENT "Embedding SPIR-V"
    VERBATIM)  # keeps the ;-list of SPIR-V files one argument
  add_library(${target} STATIC ${generated})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
endfunction()
