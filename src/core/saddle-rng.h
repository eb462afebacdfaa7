/* saddle-rng.h — explicit, seedable random number generator (xoshiro256**)
 *
 * Every random draw in Saddle goes through one of these, so the same seed
 * gives the same numbers on every machine and in every thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 s[4];
} SaddleRng;

/* Seeds the state from @seed through SplitMix64 (any seed, 0 included, is fine). */
void    saddle_rng_init     (SaddleRng *rng, guint64 seed);
/* Next raw 64-bit output. */
guint64 saddle_rng_next     (SaddleRng *rng);
/* Uniform double in [0, 1) with 53 random bits. */
double  saddle_rng_uniform  (SaddleRng *rng);
/* Standard normal deviate (Box–Muller, no cached second value: the state alone decides). */
double  saddle_rng_normal   (SaddleRng *rng);
/* Uniform integer in [0, bound), bound > 0, without modulo bias. */
guint64 saddle_rng_below    (SaddleRng *rng, guint64 bound);
/* Fisher–Yates shuffle of @n indices. */
void    saddle_rng_shuffle  (SaddleRng *rng, guint32 *indices, gsize n);
/* Seed for run @run of a study seeded with @seed: runs are independent given the study seed. */
guint64 saddle_rng_run_seed (guint64 seed, guint run);

G_END_DECLS
