/* saddle-test-run.h — a command run in a temporary folder, for the tests that spawn saddle-cli
 *
 * test-cli and test-mpi both run saddle-cli (alone, or under mpirun) in a fresh folder and look
 * at its output, files and exit status. GLib only.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *cli;    /* the saddle-cli binary */
  char *dir;          /* the temporary folder the command runs in */
  char *out;          /* stdout */
  char *err;          /* stderr */
  int   status;       /* exit status */
} SaddleTestRun;

/* Removes @path and everything below it. */
void saddle_test_remove_tree        (const char          *path);
/* A fresh temporary folder from @tmpl ("name-XXXXXX") for @run of @cli. */
void saddle_test_run_init           (SaddleTestRun       *run,
                                     const char          *cli,
                                     const char          *tmpl);
/* Removes the folder and frees the output. */
void saddle_test_run_clear          (SaddleTestRun       *run);
/* Runs the NULL-terminated @argv in run->dir to its end: its stdout, stderr and exit status. */
void saddle_test_run_spawn          (SaddleTestRun       *run,
                                     const char * const  *argv);
/* Fails the test, showing both outputs, unless the exit status was @status. */
void saddle_test_run_assert_status  (const SaddleTestRun *run,
                                     int                  status);

G_END_DECLS
