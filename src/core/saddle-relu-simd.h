/* saddle-relu-simd.h — ReLU and its slope on a vector, written once
 *
 * a = ReLU(z) and d = ReLU'(z) as act_value() and act_deriv() give them (NaN passes into a, −0
 * stays −0, ReLU'(0) = 0), each a mask from one comparison rather than a branch. The model's
 * activation pass (relu_rows() in saddle-model.c) and the narrow kernel's, fused with its
 * product (saddle_narrow_gemm_relu()), both take them from here, so that the two give the same
 * bytes (tests/test-model-gemm.c checks it).
 */
#pragma once

#ifdef __SSE2__
#include <emmintrin.h>

static inline __m128d
saddle_relu_sse2 (__m128d z)
{
  return _mm_andnot_pd (_mm_cmplt_pd (z, _mm_setzero_pd ()), z);
}

static inline __m128d
saddle_relu_slope_sse2 (__m128d z)
{
  return _mm_and_pd (_mm_cmpgt_pd (z, _mm_setzero_pd ()), _mm_set1_pd (1.0));
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

__attribute__ ((target ("avx"))) static inline __m256d
saddle_relu_avx (__m256d z)
{
  return _mm256_andnot_pd (_mm256_cmp_pd (z, _mm256_setzero_pd (), _CMP_LT_OQ), z);
}

__attribute__ ((target ("avx"))) static inline __m256d
saddle_relu_slope_avx (__m256d z)
{
  return _mm256_and_pd (_mm256_cmp_pd (z, _mm256_setzero_pd (), _CMP_GT_OQ),
                        _mm256_set1_pd (1.0));
}
#endif
