#include <hdf5.h>

/* HDF5 spells its flags and native types as macros that call H5open(); Swift cannot import
   those, so they are wrapped here as inline functions. */
static inline unsigned trigc_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned trigc_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline unsigned trigc_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned trigc_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
static inline hid_t trigc_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t trigc_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t trigc_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t trigc_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t trigc_H5T_C_S1(void) { return H5T_C_S1; }
static inline hid_t trigc_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t trigc_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline size_t trigc_H5T_VARIABLE(void) { return H5T_VARIABLE; }
