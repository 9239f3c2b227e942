/* test_people_ops.c — `people name` / `people merge` on a face store: a missing person is named in the
 * error (the one that is missing, checked before the store is closed). */
#include "harness.h"

#include "facecluster/core.h"
#include "facecluster/people.h"

#include <sqlite3.h>

/* A store with the people table (made by the library) holding person 1 only. */
static int make_store(char *path, size_t len)
{
    snprintf(path, len, "/tmp/fc_test_people_%d.db", (int)getpid());
    unlink(path);
    fc_people_name(path, 1, "x"); /* creates the schema; fails: no person 1 yet */
    sqlite3 *h;
    if (sqlite3_open(path, &h) != SQLITE_OK) return -1;
    int rc = sqlite3_exec(h, "INSERT INTO people(id, name) VALUES(1, NULL)", NULL, NULL, NULL);
    sqlite3_close(h);
    return rc == SQLITE_OK ? 0 : -1;
}

static void cleanup(const char *path)
{
    char p[600];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path), unlink(p);
    snprintf(p, sizeof p, "%s-shm", path), unlink(p);
}

static void test_people_merge_names_missing_person(void)
{
    char db[512];
    CHECK(make_store(db, sizeof db) == 0);
    long dropped = 0;
    CHECK(fc_people_merge(db, 1, 99, &dropped) == FC_EARG);
    CHECK(strstr(fc_last_error(), "no person 99") != NULL);
    CHECK(fc_people_merge(db, 98, 1, &dropped) == FC_EARG);
    CHECK(strstr(fc_last_error(), "no person 98") != NULL);
    CHECK(fc_people_merge(db, 97, 96, &dropped) == FC_EARG);
    CHECK(strstr(fc_last_error(), "no person 97") != NULL);
    cleanup(db);
}

static void test_people_name_missing_person(void)
{
    char db[512];
    CHECK(make_store(db, sizeof db) == 0);
    CHECK(fc_people_name(db, 5, "Ann") == FC_EARG);
    CHECK(strstr(fc_last_error(), "no person 5") != NULL);
    cleanup(db);
}

TEST_MAIN(RUN(test_people_merge_names_missing_person), RUN(test_people_name_missing_person))
