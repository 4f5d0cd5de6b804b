// Open MPI (apt: libopenmpi-dev). Its handles are macros Swift cannot import: these inline
// functions return them.
#define OMPI_SKIP_MPICXX 1
#include <mpi.h>

static inline MPI_Comm trigc_mpi_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype trigc_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype trigc_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype trigc_mpi_byte(void) { return MPI_BYTE; }
static inline int trigc_mpi_success(void) { return MPI_SUCCESS; }
