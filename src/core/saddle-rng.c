/* saddle-rng.c — xoshiro256** seeded by SplitMix64 */
#define G_LOG_DOMAIN "saddle-rng"

#include "config.h"

#include <math.h>

#include "saddle-rng.h"

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void
saddle_rng_init (SaddleRng *rng,
                 guint64    seed)
{
  guint64 x = seed;

  for (guint i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

guint64
saddle_rng_next (SaddleRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);

  return result;
}

double
saddle_rng_uniform (SaddleRng *rng)
{
  return (saddle_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
saddle_rng_normal (SaddleRng *rng)
{
  /* 1 - u lies in (0, 1], so the logarithm is finite. */
  double u1 = 1.0 - saddle_rng_uniform (rng);
  double u2 = saddle_rng_uniform (rng);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

guint64
saddle_rng_below (SaddleRng *rng,
                  guint64    bound)
{
  guint64 threshold;
  guint64 r;

  g_return_val_if_fail (bound > 0, 0);

  /* Reject the low values that would make some results more likely. */
  threshold = (-bound) % bound;
  do
    r = saddle_rng_next (rng);
  while (r < threshold);

  return r % bound;
}

void
saddle_rng_shuffle (SaddleRng *rng,
                    guint32   *indices,
                    gsize      n)
{
  for (gsize i = n; i > 1; i--)
    {
      gsize j = saddle_rng_below (rng, i);
      guint32 tmp = indices[i - 1];

      indices[i - 1] = indices[j];
      indices[j] = tmp;
    }
}

guint64
saddle_rng_run_seed (guint64 seed,
                     guint   run)
{
  guint64 x = seed ^ (G_GUINT64_CONSTANT (0xd1b54a32d192ed03) * (run + 1));

  return splitmix64 (&x);
}
