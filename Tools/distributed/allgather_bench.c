/* Measures MPI_Allgather of float vectors the size of trigc's models' gradients, for the
 * all-reduce cost model in Docs/Distributed.md. Build and run (Open MPI from apt):
 *   mpicc -O2 -o allgather_bench Tools/distributed/allgather_bench.c
 *   mpirun -np 2 ./allgather_bench
 * Prints, per message size, the mean time of one all-gather and the bandwidth it implies.  */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* HLF DNN, particle GRU(50), inclusive: parameters; then larger messages. */
    const int counts[] = {2013, 10803, 12353, 100000, 1000000};
    const char *names[] = {"hlf", "gru", "inclusive", "100k", "1M"};
    for (int k = 0; k < 5; k++) {
        int n = counts[k];
        float *send = malloc(sizeof(float) * n), *recv = malloc(sizeof(float) * n * size);
        if (!send || !recv) MPI_Abort(MPI_COMM_WORLD, 1);
        for (int i = 0; i < n; i++) send[i] = (float)(rank + i);
        int repeats = n > 100000 ? 50 : 500;
        for (int w = 0; w < 10; w++) MPI_Allgather(send, n, MPI_FLOAT, recv, n, MPI_FLOAT, MPI_COMM_WORLD);
        MPI_Barrier(MPI_COMM_WORLD);
        double start = MPI_Wtime();
        for (int r = 0; r < repeats; r++) MPI_Allgather(send, n, MPI_FLOAT, recv, n, MPI_FLOAT, MPI_COMM_WORLD);
        double seconds = (MPI_Wtime() - start) / repeats;
        if (rank == 0) {
            double bytes = 4.0 * n * (size - 1); /* received per rank */
            printf("%-10s %8d floats  %9.1f us  %8.2f GB/s received per rank\n", names[k], n, seconds * 1e6,
                   bytes / seconds / 1e9);
        }
        free(send);
        free(recv);
    }
    MPI_Finalize();
    return 0;
}
