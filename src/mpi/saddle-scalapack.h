/* saddle-scalapack.h — the BLACS, ScaLAPACK and PBLAS entry points Saddle calls
 *
 * Debian's libscalapack-openmpi ships no C header, so the prototypes are written here from
 * the reference documentation: the C BLACS interface (Cblacs_*), Fortran routines with a
 * trailing underscore taking every argument by pointer, and descriptors of DLEN = 9 ints.
 * Private to src/mpi.
 */
#pragma once

#include <mpi.h>

#define SADDLE_DESC_LEN 9
/* Descriptor fields (0-based): context and the local leading dimension. */
#define SADDLE_DESC_CTXT 1
#define SADDLE_DESC_LLD  8

int  Csys2blacs_handle (MPI_Comm comm);
void Cfree_blacs_system_handle (int handle);
void Cblacs_gridinit  (int *context, const char *order, int nprow, int npcol);
void Cblacs_gridinfo  (int context, int *nprow, int *npcol, int *myrow, int *mycol);
void Cblacs_gridexit  (int context);

int  numroc_  (const int *n, const int *nb, const int *iproc, const int *isrcproc,
               const int *nprocs);
void descinit_ (int *desc, const int *m, const int *n, const int *mb, const int *nb,
                const int *irsrc, const int *icsrc, const int *ictxt, const int *lld,
                int *info);

/* sub(C) := beta·sub(C) + alpha·sub(A)ᵀ, sub(C) M × N, sub(A) N × M. */
void pdtran_ (const int *m, const int *n, const double *alpha, const double *a, const int *ia,
              const int *ja, const int *desca, const double *beta, double *c, const int *ic,
              const int *jc, const int *descc);
/* Every eigenvalue (W, ascending, on every process) and eigenvector (Z) by divide and conquer. */
void pdsyevd_ (const char *jobz, const char *uplo, const int *n, double *a, const int *ia,
               const int *ja, const int *desca, double *w, double *z, const int *iz,
               const int *jz, const int *descz, double *work, const int *lwork, int *iwork,
               const int *liwork, int *info);
/* Copies an M × N sub-matrix between two distributions; @context spans both grids. */
void Cpdgemr2d (int m, int n, const double *a, int ia, int ja, const int *desca, double *b,
                int ib, int jb, const int *descb, int context);
