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

/* The standard number encodings (IEEE floats, two's-complement integers, either byte order):
   the only ones trigc reads. A damaged type message can describe an encoding whose
   conversion makes libhdf5 read out of bounds. */
static inline int trigc_H5T_is_standard_number(hid_t type) {
    hid_t standard[] = {
        H5T_IEEE_F32LE, H5T_IEEE_F32BE, H5T_IEEE_F64LE, H5T_IEEE_F64BE,
        H5T_STD_I8LE, H5T_STD_I8BE, H5T_STD_I16LE, H5T_STD_I16BE, H5T_STD_I32LE, H5T_STD_I32BE,
        H5T_STD_I64LE, H5T_STD_I64BE, H5T_STD_U8LE, H5T_STD_U8BE, H5T_STD_U16LE, H5T_STD_U16BE,
        H5T_STD_U32LE, H5T_STD_U32BE, H5T_STD_U64LE, H5T_STD_U64BE,
    };
    for (unsigned i = 0; i < sizeof standard / sizeof standard[0]; i++) {
        if (H5Tequal(type, standard[i]) > 0) return 1;
    }
    return 0;
}
