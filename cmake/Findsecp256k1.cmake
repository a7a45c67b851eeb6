# Finds libsecp256k1 with its schnorrsig and extrakeys modules and defines secp256k1::secp256k1.
find_path(secp256k1_INCLUDE_DIR secp256k1_schnorrsig.h)
find_library(secp256k1_LIBRARY NAMES secp256k1)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(secp256k1 REQUIRED_VARS secp256k1_LIBRARY secp256k1_INCLUDE_DIR)
if(secp256k1_FOUND AND NOT TARGET secp256k1::secp256k1)
  add_library(secp256k1::secp256k1 UNKNOWN IMPORTED)
  set_target_properties(secp256k1::secp256k1 PROPERTIES IMPORTED_LOCATION "${secp256k1_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${secp256k1_INCLUDE_DIR}")
endif()
mark_as_advanced(secp256k1_INCLUDE_DIR secp256k1_LIBRARY)
