/* saddle-avx2-lanes.h — a vector's first lanes, as the mask of AVX2's masked loads and stores */
#pragma once

#include <glib.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* The first @n of a vector's four doubles: none at 0, all four from 4 on. */
__attribute__ ((target ("avx2"))) static inline __m256i
saddle_avx2_lanes (gsize n)
{
  return _mm256_cmpgt_epi64 (_mm256_set1_epi64x ((long long) MIN (n, 4)),
                             _mm256_set_epi64x (3, 2, 1, 0));
}
#endif
