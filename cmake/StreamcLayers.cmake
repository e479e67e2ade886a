# The include directory of one layer of a part (compiler/ or runtime/),
# shared by both parts' layer functions: build/<part>/layers/<name> holds
# links to the layer's own directory and to those of every layer below it
# (the closure of `deps`, layers declared earlier in the same part) and
# nothing else, so a header of a layer above does not exist for it and a
# back-include fails to compile. Sets `out_view` to the directory.
function(streamc_layer_view part name deps out_view)
  set(closure ${name})
  foreach(dep ${deps})
    get_property(dep_closure GLOBAL PROPERTY STREAMC_${part}_LAYER_${dep})
    list(APPEND closure ${dep_closure})
  endforeach()
  list(REMOVE_DUPLICATES closure)
  set_property(GLOBAL PROPERTY STREAMC_${part}_LAYER_${name} ${closure})
  set(view ${CMAKE_CURRENT_BINARY_DIR}/layers/${name})
  file(REMOVE_RECURSE ${view})
  file(MAKE_DIRECTORY ${view})
  foreach(layer ${closure})
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR}/${layer} ${view}/${layer} SYMBOLIC)
  endforeach()
  set(${out_view} ${view} PARENT_SCOPE)
endfunction()
