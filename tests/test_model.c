/* Tests of core/model/model.c: the cluster model, sets with their name index, and field tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/alloc.h"
#include "core/model/model.h"
#include "core/model/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static nt_cluster *named(const char *name)
{
    nt_cluster *c = nt_cluster_new();
    c->name = strdup(name);
    return c;
}

static void test_field_table_is_indexed_by_field_id(void **state)
{
    (void)state;
    for (int i = 0; i < NT_F_COUNT; i++) {
        assert_int_equal(nt_fields[i].id, i);
        assert_int_equal(nt_field_by_name(nt_fields[i].snake), i);
        assert_int_equal(nt_field_by_name(nt_fields[i].camel), i);
    }
    assert_int_equal(nt_field_by_name("apiServer"), NT_F_API_SERVER);
    assert_int_equal(nt_field_by_name("traefik.https_node_port"), NT_F_TRAEFIK_HTTPS_NODE_PORT);
    assert_int_equal(nt_field_by_name("vcluster.httpsNodePort"), NT_F_VCLUSTER_HTTPS_NODE_PORT);
    assert_int_equal(nt_field_by_name("nope"), NT_F_COUNT);
    assert_true(nt_fields[NT_F_KUBECONFIG].flags & NT_FIELD_SENSITIVE);
    assert_true(nt_fields[NT_F_WORKER_TYPE].flags & NT_FIELD_REPLACE);
    assert_true(nt_fields[NT_F_TRAEFIK_HTTP_NODE_PORT].flags & NT_FIELD_PORT);
}

static void test_component_table_knows_both_spellings_and_defaults(void **state)
{
    (void)state;
    for (int i = 0; i < NT_C_COUNT; i++) {
        assert_int_equal(nt_components[i].id, i);
        assert_int_equal(nt_component_by_name(nt_components[i].camel), i);
        if (nt_components[i].snake)
            assert_int_equal(nt_component_by_name(nt_components[i].snake), i);
    }
    assert_int_equal(nt_component_by_name("multiTenant"), NT_C_MULTI_TENANT);
    assert_int_equal(nt_component_by_name("oauthProxy"), NT_C_OAUTH_PROXY);
    assert_int_equal(nt_component_by_name("gatway"), NT_C_COUNT);
    assert_string_equal(nt_components[NT_C_PIPELINE].default_namespace, "tekton-pipelines");
    assert_string_equal(nt_components[NT_C_MULTI_TENANT].default_namespace, "hnc-system");
}

static void test_generation_names_parse_back(void **state)
{
    (void)state;
    nt_api_gen g = NT_GEN_UNKNOWN;
    assert_int_equal(nt_gen_parse("v0.3", &g), 0);
    assert_int_equal(g, NT_GEN_V03);
    assert_int_equal(nt_gen_parse("0.4", &g), 0);
    assert_int_equal(g, NT_GEN_V04);
    assert_int_equal(nt_gen_parse("v0.5", &g), -1);
    assert_int_equal(nt_gen_parse(NULL, &g), -1);
    assert_string_equal(nt_gen_name(NT_GEN_V03), "v0.3");
    assert_string_equal(nt_gen_name(NT_GEN_UNKNOWN), "unknown");
}

static void test_a_set_finds_ten_thousand_names_and_refuses_duplicates(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    char name[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(name, sizeof name, "cluster-%05d", (i * 7919) % 10000);
        assert_int_equal(nt_cluster_set_add(set, named(name), NULL), 0);
    }
    assert_int_equal(set->n, 10000);
    for (int i = 0; i < 10000; i++) {
        snprintf(name, sizeof name, "cluster-%05d", i);
        nt_cluster *c = nt_cluster_set_find(set, name);
        assert_non_null(c);
        assert_string_equal(c->name, name);
    }
    assert_null(nt_cluster_set_find(set, "cluster-10000"));
    nt_cluster *dup = named("cluster-00042"), *existing = NULL;
    assert_int_equal(nt_cluster_set_add(set, dup, &existing), -1);
    assert_non_null(existing);
    assert_string_equal(existing->name, "cluster-00042");
    assert_ptr_not_equal(existing, dup);
    nt_cluster_free(dup);
    nt_cluster_set_free(set);
}

static void test_sort_orders_by_name_and_keeps_lookups_working(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    const char *names[] = {"a.b", "a-b", "a", "zeta", "b"};
    for (int i = 0; i < 5; i++)
        nt_cluster_set_add(set, named(names[i]), NULL);
    nt_cluster_set_sort(set);
    const char *want[] = {"a", "a-b", "a.b", "b", "zeta"};
    for (int i = 0; i < 5; i++)
        assert_string_equal(set->items[i]->name, want[i]);
    for (int i = 0; i < 5; i++)
        assert_ptr_equal(nt_cluster_set_find(set, want[i]), set->items[i]);
    nt_cluster_set_free(set);
}

static void test_remove_frees_the_cluster_and_keeps_the_others_findable(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    char name[32];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "c%d", i);
        nt_cluster_set_add(set, named(name), NULL);
    }
    for (int i = 0; i < 100; i += 2) {
        snprintf(name, sizeof name, "c%d", i);
        assert_int_equal(nt_cluster_set_remove(set, name), 0);
    }
    assert_int_equal(nt_cluster_set_remove(set, "c0"), -1);
    assert_int_equal(set->n, 50);
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "c%d", i);
        if (i % 2)
            assert_non_null(nt_cluster_set_find(set, name));
        else
            assert_null(nt_cluster_set_find(set, name));
    }
    /* removing everything leaves a usable empty set */
    for (int i = 1; i < 100; i += 2) {
        snprintf(name, sizeof name, "c%d", i);
        assert_int_equal(nt_cluster_set_remove(set, name), 0);
    }
    assert_null(nt_cluster_set_find(set, "c1"));
    assert_int_equal(nt_cluster_set_add(set, named("again"), NULL), 0);
    assert_non_null(nt_cluster_set_find(set, "again"));
    nt_cluster_set_free(set);
}

static nt_cluster *full_cluster(const char *file)
{
    nt_cluster *c = named("full");
    nt_pos p = {file, 3, 5};
    nt_cluster_set_field(c, NT_F_API_SERVER, "https://10.0.0.1:6443", p);
    nt_cluster_set_field(c, NT_F_KUBECONFIG, "apiVersion: v1", p);
    nt_cluster_set_kubeconfig_file(c, "kc.yaml", p);
    nt_cluster_component(c, NT_C_GATEWAY)->declared = true;
    nt_value_set(&nt_cluster_component(c, NT_C_GATEWAY)->name, "traefik", p);
    nt_component_set_addition(nt_cluster_component(c, NT_C_GATEWAY), "httpNodePort", "30080", p);
    nt_component_set_addition(nt_cluster_component(c, NT_C_GATEWAY), "httpNodePort", "30081", p);
    nt_ns_products *r = nt_cluster_add_reserved(c, "tekton-pipelines", p);
    nt_ns_products_add(r, "product-a", p);
    nt_product_resources *a = nt_cluster_add_allowed(c, "product-a", p);
    nt_resource *res = nt_product_resources_add(a, p);
    nt_value_set(&res->kind, "ClusterRole", p);
    nt_value_set(&res->group, "rbac.authorization.k8s.io", p);
    return c;
}

static void test_positions_live_beside_the_cluster_and_only_when_loaded(void **state)
{
    (void)state;
    nt_cluster *obs = nt_cluster_new(); /* observed: no positions at all */
    assert_null(obs->at);
    assert_null(nt_cluster_pos(obs, NT_AT_NAME).file);
    assert_int_equal(nt_cluster_name_pos(obs).line, 0);
    nt_cluster *c = nt_cluster_new();
    nt_cluster_set_pos(c, NT_AT_ENTRY, (nt_pos){"f.yaml", 2, 5});
    assert_int_equal(nt_cluster_name_pos(c).line, 2); /* no name position: the entry's */
    nt_cluster_set_pos(c, NT_AT_NAME, (nt_pos){"f.yaml", 2, 11});
    nt_cluster_set_pos(c, NT_AT_STATE, (nt_pos){"f.yaml", 9, 12});
    assert_int_equal(nt_cluster_name_pos(c).col, 11);
    nt_cluster *d = nt_cluster_clone(c);
    assert_ptr_not_equal(d->at, c->at);
    nt_cluster_free(c);
    assert_string_equal(nt_cluster_pos(d, NT_AT_STATE).file, "f.yaml");
    assert_int_equal(nt_cluster_pos(d, NT_AT_STATE).line, 9);
    assert_int_equal(nt_cluster_pos(d, NT_AT_TRAEFIK).line, 0);
    assert_true(sizeof(nt_cluster) < 600); /* 600 bytes with the positions inline */
    nt_cluster_free(d);
    nt_cluster_free(obs);
}

static void test_clone_is_deep_and_equal(void **state)
{
    (void)state;
    nt_cluster *c = full_cluster("f.yaml");
    nt_cluster *d = nt_cluster_clone(c);
    assert_ptr_not_equal(d->name, c->name);
    assert_string_equal(d->name, "full");
    assert_string_equal(nt_cluster_get(d, NT_F_API_SERVER), "https://10.0.0.1:6443");
    assert_ptr_not_equal(d->f[NT_F_API_SERVER].s, c->f[NT_F_API_SERVER].s);
    assert_ptr_equal(nt_cluster_field_pos(d, NT_F_API_SERVER).file,
                     nt_cluster_field_pos(c, NT_F_API_SERVER).file);
    assert_int_equal(nt_cluster_field_pos(d, NT_F_API_SERVER).line, 3);
    assert_int_equal(nt_cluster_pos(d, NT_AT_KUBECONFIG_FILE).col, 5);
    assert_int_equal(d->comp[NT_C_GATEWAY]->n_additions, 1);
    assert_string_equal(nt_component_addition(d->comp[NT_C_GATEWAY], "httpNodePort")->value.s,
                        "30081");
    assert_null(nt_component_addition(d->comp[NT_C_GATEWAY], "host"));
    assert_string_equal(d->reserved[0].products[0].s, "product-a");
    assert_string_equal(d->allowed[0].items[0].group.s, "rbac.authorization.k8s.io");
    nt_cluster_free(c);
    /* the clone survives its original */
    assert_string_equal(d->allowed[0].items[0].kind.s, "ClusterRole");
    assert_string_equal(d->kubeconfig_file.s, "kc.yaml");
    nt_cluster_free(d);
    nt_cluster_free(NULL);
    assert_null(nt_cluster_clone(NULL));
}

static void test_kind_helpers_and_label_read_the_declared_strings(void **state)
{
    (void)state;
    nt_cluster *c = named("k");
    char buf[64];
    assert_false(nt_cluster_is_virtual(c));
    assert_string_equal(nt_cluster_kind_label(c, buf, sizeof buf), "? ?");
    nt_cluster_set_field(c, NT_F_CLUSTER_TYPE, "virtual", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_USAGE, "worker", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_WORKER_TYPE, "pipeline", NT_POS_NONE);
    assert_true(nt_cluster_is_virtual(c));
    assert_true(nt_cluster_is_worker(c));
    assert_false(nt_cluster_is_physical(c));
    assert_false(nt_cluster_is_host(c));
    assert_string_equal(nt_cluster_kind_label(c, buf, sizeof buf), "virtual worker (pipeline)");
    nt_cluster_set_field(c, NT_F_WORKER_TYPE, NULL, NT_POS_NONE);
    assert_null(nt_cluster_get(c, NT_F_WORKER_TYPE));
    nt_cluster_free(c);
}

static void test_interned_file_names_are_shared(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    char path[] = "dir/a.yaml";
    const char *a = nt_cluster_set_intern(set, path);
    path[4] = 'b';
    const char *b = nt_cluster_set_intern(set, path);
    assert_string_equal(a, "dir/a.yaml");
    assert_ptr_equal(nt_cluster_set_intern(set, "dir/a.yaml"), a);
    assert_ptr_not_equal(a, b);
    assert_null(nt_cluster_set_intern(set, NULL));
    char sha[65];
    nt_sha256_hex("abc", 3, sha);
    assert_string_equal(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    nt_cluster_set_add_input(set, "dir/a.yaml", sha);
    assert_int_equal(set->n_inputs, 1);
    assert_string_equal(set->inputs[0].sha256, sha);
    nt_cluster_set_free(set);
    nt_cluster_set_free(NULL);
}

/* An observed cluster is small: no positions, and the components it does not give are one
 * shared, empty record (a list answer can hold a million clusters). */
static void test_a_cluster_holds_only_the_components_and_positions_it_was_given(void **state)
{
    (void)state;
    nt_cluster *c = named("c");
    nt_cluster_set_field(c, NT_F_API_SERVER, "https://10.0.0.1:6443", NT_POS_NONE);
    assert_null(c->at);
    assert_ptr_equal(c->comp[NT_C_GATEWAY], c->comp[NT_C_PIPELINE]);
    assert_false(c->comp[NT_C_GATEWAY]->declared);

    nt_cluster_component(c, NT_C_GATEWAY)->declared = true;
    assert_true(c->comp[NT_C_GATEWAY]->declared);
    assert_ptr_not_equal(c->comp[NT_C_GATEWAY], c->comp[NT_C_PIPELINE]);
    assert_ptr_equal(c->comp[NT_C_PIPELINE], c->comp[NT_C_DEPLOYMENT]);
    assert_false(c->comp[NT_C_PIPELINE]->declared);
    nt_cluster_drop_component(c, NT_C_GATEWAY);
    assert_false(c->comp[NT_C_GATEWAY]->declared);
    assert_ptr_equal(c->comp[NT_C_GATEWAY], c->comp[NT_C_PIPELINE]);

    /* a position is kept once one is given; a value replaced without one loses it */
    nt_pos p = {"f.yaml", 4, 7};
    nt_cluster_set_field(c, NT_F_USAGE, "host", p);
    assert_non_null(c->at);
    assert_int_equal(nt_cluster_field_pos(c, NT_F_USAGE).line, 4);
    assert_int_equal(nt_cluster_field_pos(c, NT_F_API_SERVER).line, 0);
    nt_cluster_set_field(c, NT_F_USAGE, "worker", NT_POS_NONE);
    assert_int_equal(nt_cluster_field_pos(c, NT_F_USAGE).line, 0);
    assert_string_equal(nt_cluster_get(c, NT_F_USAGE), "worker");
    /* a value set from itself survives (the old text goes after the copy) */
    nt_cluster_set_field(c, NT_F_USAGE, c->f[NT_F_USAGE].s, NT_POS_NONE);
    assert_string_equal(nt_cluster_get(c, NT_F_USAGE), "worker");
    nt_cluster_free(c);
}

/* A taken value becomes the field itself; an enumerated word is freed for the shared one.
 * ASan fails this test on a leak or a double free. */
static void test_a_taken_field_is_the_callers_allocation(void **state)
{
    (void)state;
    nt_cluster *a = named("a"), *b = named("b");
    char *api = nt_xstrdup("https://10.0.0.1:6443");
    nt_cluster_take_field(a, NT_F_API_SERVER, api, (nt_pos){"f.yaml", 3, 4});
    assert_ptr_equal(nt_cluster_get(a, NT_F_API_SERVER), api);
    assert_int_equal(nt_cluster_field_pos(a, NT_F_API_SERVER).line, 3);
    nt_cluster_take_field(a, NT_F_CLUSTER_TYPE, nt_xstrdup("virtual"), NT_POS_NONE);
    nt_cluster_set_field(b, NT_F_CLUSTER_TYPE, "virtual", NT_POS_NONE);
    assert_ptr_equal(nt_cluster_get(a, NT_F_CLUSTER_TYPE), nt_cluster_get(b, NT_F_CLUSTER_TYPE));
    nt_cluster_take_field(a, NT_F_API_SERVER, nt_xstrdup("https://h:6443"), NT_POS_NONE);
    assert_string_equal(nt_cluster_get(a, NT_F_API_SERVER), "https://h:6443");
    nt_cluster_take_field(a, NT_F_KUBECONFIG, nt_xstrdup("secret"), NT_POS_NONE);
    nt_cluster_take_field(a, NT_F_PRIMARY_DOMAIN, NULL, NT_POS_NONE);
    assert_null(nt_cluster_get(a, NT_F_PRIMARY_DOMAIN));
    nt_cluster_free(a);
    nt_cluster_free(b);
}

/* The components' default names and namespaces, and the seed fields' additions keys, are one
 * shared word each, not a copy per value (an observed v0.4 cluster repeats them in every
 * component); any other text is a copy of its own. Each is freed as it should be: ASan fails this
 * test if a shared word is freed or a copy is leaked. */
static void test_default_component_words_are_shared_and_other_values_copied(void **state)
{
    (void)state;
    nt_cluster *a = named("a"), *b = named("b");
    nt_component *ca = nt_cluster_component(a, NT_C_DEPLOYMENT);
    nt_component *cb = nt_cluster_component(b, NT_C_DEPLOYMENT);
    char name[] = "argocd", ns[] = "argocd";
    nt_value_set(&ca->name, name, NT_POS_NONE);
    nt_value_set(&cb->name, "argocd", NT_POS_NONE);
    nt_value_set(&ca->ns, ns, NT_POS_NONE);
    assert_ptr_equal(ca->name.s, cb->name.s); /* one word, whatever text it was set from */
    assert_ptr_equal(ca->name.s, ca->ns.s);
    assert_ptr_not_equal(ca->name.s, name);
    name[0] = 'X'; /* the value never pointed at the caller's text */
    assert_string_equal(ca->name.s, "argocd");
    for (size_t k = 0; k < NT_C_COUNT; k++) { /* every default is one of the words */
        nt_value v = {NULL, NT_POS_NONE}, w = {NULL, NT_POS_NONE};
        nt_value_set(&v, nt_components[k].default_name, NT_POS_NONE);
        nt_value_set(&w, nt_components[k].default_namespace, NT_POS_NONE);
        nt_value_set(&v, v.s, NT_POS_NONE); /* set from itself */
        assert_string_equal(w.s, nt_components[k].default_namespace);
        assert_string_equal(v.s, nt_components[k].default_name);
        nt_value u = {NULL, NT_POS_NONE};
        nt_value_set(&u, nt_components[k].default_name, NT_POS_NONE);
        assert_ptr_equal(u.s, v.s);
        nt_value_clear(&u);
        nt_value_clear(&v);
        nt_value_clear(&w);
    }
    /* near misses are copies: a prefix, a longer word, another case */
    nt_value_set(&cb->ns, "argocd-system", NT_POS_NONE);
    nt_component_set_addition(cb, "host", "argo", NT_POS_NONE);
    nt_component_set_addition(cb, "x", "Vault", NT_POS_NONE);
    nt_component_set_addition(cb, "y", "vault", NT_POS_NONE);
    assert_string_equal(cb->ns.s, "argocd-system");
    assert_string_equal(nt_component_addition(cb, "host")->value.s, "argo");
    nt_value t = {NULL, NT_POS_NONE};
    nt_value_set(&t, "vault", NT_POS_NONE);
    assert_ptr_equal(nt_component_addition(cb, "y")->value.s, t.s);
    assert_ptr_not_equal(nt_component_addition(cb, "x")->value.s, t.s);
    nt_value_clear(&t);
    /* the seed fields' additions keys are shared words too; other keys are copies */
    nt_component *ga = nt_cluster_component(a, NT_C_GATEWAY);
    for (size_t i = 0; i < NT_SEED_ADDITIONS; i++)
        nt_component_set_addition(ga, nt_seed_additions[i].key, "1", NT_POS_NONE);
    assert_ptr_equal(nt_component_addition(ga, "host")->key,
                     nt_component_addition(cb, "host")->key);
    char key[] = "httpsNodePort";
    nt_component_set_addition(cb, key, "30443", NT_POS_NONE);
    assert_ptr_equal(nt_component_addition(cb, key)->key,
                     nt_component_addition(ga, "httpsNodePort")->key);
    assert_ptr_not_equal(nt_component_addition(cb, "x")->key, "x");
    /* a clone shares the words too; each cluster frees what it owns */
    nt_cluster *c = nt_cluster_clone(b);
    assert_ptr_equal(c->comp[NT_C_DEPLOYMENT]->name.s, cb->name.s);
    assert_string_equal(c->comp[NT_C_DEPLOYMENT]->ns.s, "argocd-system");
    assert_ptr_not_equal(c->comp[NT_C_DEPLOYMENT]->ns.s, cb->ns.s);
    nt_cluster_free(a);
    nt_cluster_free(b);
    nt_cluster_free(c);
}

/* Reserved components come from the array's own allocation; more than reserved are allocated
 * one by one; a dropped one is not reused. ASan fails this test if a reserved component is
 * freed on its own or one allocated alone is leaked. */
static void test_reserved_components_live_in_the_array_allocation(void **state)
{
    (void)state;
    nt_cluster *c = named("c");
    nt_cluster_reserve_components(c, 0); /* nothing to reserve: still the shared array */
    assert_false(c->comp[NT_C_GATEWAY]->declared);
    nt_cluster_reserve_components(c, 2);
    assert_int_equal(c->comp_room, 2);
    const char *lo = (const char *)c->comp + NT_C_COUNT * sizeof *c->comp;
    const char *hi = lo + 2 * sizeof(nt_component);
    nt_component *g = nt_cluster_component(c, NT_C_GATEWAY);
    nt_component *d = nt_cluster_component(c, NT_C_DEPLOYMENT);
    assert_true((const char *)g >= lo && (const char *)g < hi);
    assert_true((const char *)d >= lo && (const char *)d < hi);
    assert_ptr_not_equal(g, d);
    assert_ptr_equal(nt_cluster_component(c, NT_C_GATEWAY), g); /* taken once */
    nt_component *p = nt_cluster_component(c, NT_C_PIPELINE);   /* beyond the room */
    assert_true((const char *)p < lo || (const char *)p >= hi);
    nt_value_set(&g->name, "traefik", NT_POS_NONE);
    nt_component_set_addition(g, "httpNodePort", "30080", NT_POS_NONE);
    nt_value_set(&d->name, "argo", NT_POS_NONE);
    nt_value_set(&p->ns, "ci", NT_POS_NONE);
    nt_cluster_reserve_components(c, 5); /* the cluster has its array: nothing changes */
    assert_int_equal(c->comp_room, 2);
    assert_int_equal(c->comp_room_used, 2);

    nt_cluster *k = nt_cluster_clone(c); /* the clone reserves what it copies */
    assert_int_equal(k->comp_room, 3);
    assert_string_equal(k->comp[NT_C_DEPLOYMENT]->name.s, "argo");
    assert_string_equal(nt_component_addition(k->comp[NT_C_GATEWAY], "httpNodePort")->value.s,
                        "30080");
    assert_string_equal(k->comp[NT_C_PIPELINE]->ns.s, "ci");

    nt_cluster_drop_component(c, NT_C_DEPLOYMENT); /* a reserved one: cleared, not freed */
    assert_false(c->comp[NT_C_DEPLOYMENT]->declared);
    nt_component *again = nt_cluster_component(c, NT_C_DEPLOYMENT);
    assert_true((const char *)again < lo || (const char *)again >= hi);
    nt_cluster_drop_component(c, NT_C_PIPELINE);
    nt_cluster_free(c);
    nt_cluster_free(k);

    nt_cluster *all = named("all"); /* more than there are kinds: room for each kind */
    nt_cluster_reserve_components(all, 1000);
    assert_int_equal(all->comp_room, NT_C_COUNT);
    for (int i = 0; i < NT_C_COUNT; i++)
        nt_cluster_component(all, (nt_component_kind)i)->declared = true;
    assert_int_equal(all->comp_room_used, NT_C_COUNT);
    nt_cluster_free(all);
}

/* A component given as null without a position shares one constant: nothing is allocated
 * for it, it reads declared and null, and writing it gives the cluster a copy of its own that
 * is still declared and null. ASan fails this test if the constant is ever freed. */
static void test_null_components_share_one_constant_until_written(void **state)
{
    (void)state;
    nt_cluster *a = named("a"), *b = named("b");
    nt_cluster_set_component_null(a, NT_C_PIPELINE);
    nt_cluster_set_component_null(a, NT_C_GATEWAY);
    nt_cluster_set_component_null(b, NT_C_PIPELINE);
    assert_true(a->comp[NT_C_PIPELINE]->declared);
    assert_true(a->comp[NT_C_PIPELINE]->is_null);
    assert_ptr_equal(a->comp[NT_C_PIPELINE], b->comp[NT_C_PIPELINE]);
    assert_ptr_equal(a->comp[NT_C_PIPELINE], a->comp[NT_C_GATEWAY]);
    assert_false(a->comp[NT_C_DEPLOYMENT]->declared);

    nt_cluster *k = nt_cluster_clone(a); /* a clone shares it too and reserves nothing for it */
    assert_int_equal(k->comp_room, 0);
    assert_ptr_equal(k->comp[NT_C_PIPELINE], b->comp[NT_C_PIPELINE]);

    nt_component *g = nt_cluster_component(a, NT_C_GATEWAY); /* written: a copy of its own */
    assert_ptr_not_equal(g, b->comp[NT_C_PIPELINE]);
    assert_true(g->declared && g->is_null);
    g->is_null = false;
    nt_value_set(&g->name, "traefik", NT_POS_NONE);
    assert_true(b->comp[NT_C_PIPELINE]->is_null);   /* the shared one is untouched */
    nt_cluster_set_component_null(a, NT_C_GATEWAY); /* the copy is freed, null again */
    assert_true(a->comp[NT_C_GATEWAY]->is_null);
    assert_null(a->comp[NT_C_GATEWAY]->name.s);
    nt_cluster_drop_component(a, NT_C_PIPELINE); /* not given at all */
    assert_false(a->comp[NT_C_PIPELINE]->declared);
    assert_true(b->comp[NT_C_PIPELINE]->declared);

    nt_component *d = nt_cluster_component(k, NT_C_DEPLOYMENT); /* additions start small */
    nt_component_set_addition(d, "host", "argocd.k", NT_POS_NONE);
    assert_int_equal(d->cap_additions, 2);
    nt_component_set_addition(d, "a", "1", NT_POS_NONE);
    nt_component_set_addition(d, "b", "2", NT_POS_NONE);
    assert_int_equal(d->cap_additions, 4);
    assert_string_equal(nt_component_addition(d, "host")->value.s, "argocd.k");
    nt_cluster_free(a);
    nt_cluster_free(b);
    nt_cluster_free(k);
}

/* A loaded cluster's positions share its allocation; a clone gets its own copy. */
static void test_a_loaded_cluster_keeps_its_positions_in_its_allocation(void **state)
{
    (void)state;
    nt_cluster *c = nt_cluster_new_loaded();
    c->name = nt_xstrdup("c");
    assert_non_null(c->at);
    assert_ptr_equal(c->at, (const void *)(c + 1));
    assert_int_equal(nt_cluster_pos(c, NT_AT_ENTRY).line, 0);
    nt_pos p = {"f.yaml", 3, 5};
    nt_cluster_set_pos(c, NT_AT_ENTRY, p);
    nt_cluster_set_field(c, NT_F_API_SERVER, "https://10.0.0.1:6443", (nt_pos){"f.yaml", 4, 3});
    nt_cluster *k = nt_cluster_clone(c);
    assert_ptr_not_equal(k->at, c->at);
    assert_ptr_not_equal(k->at, (const void *)(k + 1));
    assert_int_equal(nt_cluster_pos(k, NT_AT_ENTRY).col, 5);
    assert_int_equal(nt_cluster_field_pos(k, NT_F_API_SERVER).line, 4);
    /* the file is kept once, a line and column per position */
    assert_int_equal(sizeof *c->at, 2 * sizeof(unsigned));
    assert_string_equal(nt_cluster_field_pos(c, NT_F_API_SERVER).file, "f.yaml");
    assert_null(nt_cluster_pos(c, NT_AT_STATE).file); /* not recorded: no position at all */
    assert_null(c->at_other);
    /* a position in another file (a v0.3 tenant's rendered files) keeps its file */
    nt_cluster_set_pos(c, NT_AT_STATE, (nt_pos){"g.yaml", 9, 1});
    assert_non_null(c->at_other);
    assert_string_equal(nt_cluster_pos(c, NT_AT_STATE).file, "g.yaml");
    assert_int_equal(nt_cluster_pos(c, NT_AT_STATE).line, 9);
    assert_string_equal(nt_cluster_pos(c, NT_AT_ENTRY).file, "f.yaml");
    nt_cluster *k2 = nt_cluster_clone(c);
    nt_cluster_set_pos(c, NT_AT_STATE, (nt_pos){"f.yaml", 10, 2}); /* back in its own file */
    assert_string_equal(nt_cluster_pos(c, NT_AT_STATE).file, "f.yaml");
    assert_string_equal(nt_cluster_pos(k2, NT_AT_STATE).file, "g.yaml");
    assert_int_equal(nt_cluster_pos(k2, NT_AT_STATE).line, 9);
    nt_cluster_free(k2);
    nt_cluster_free(c);
    assert_int_equal(nt_cluster_field_pos(k, NT_F_API_SERVER).line, 4);
    nt_cluster_free(k);
}

/* A hostile map: 200,000 keys are set, found, overwritten, cloned and cleared (hashed, so
 * this stays linear; it once took minutes). */
static void test_a_huge_additions_map_keeps_order_and_finds_every_key(void **state)
{
    (void)state;
    enum { N = 200000 };
    nt_cluster *c = named("c");
    nt_component *comp = nt_cluster_component(c, NT_C_DEPLOYMENT);
    char key[32], val[32];
    for (int i = 0; i < N; i++) {
        snprintf(key, sizeof key, "k%d", i);
        snprintf(val, sizeof val, "v%d", i);
        nt_component_set_addition(comp, key, val, NT_POS_NONE);
    }
    /* setting a key again replaces its value, in place */
    nt_component_set_addition(comp, "k7", "again", NT_POS_NONE);
    nt_component_set_addition(comp, "k199999", NULL, NT_POS_NONE);
    assert_int_equal(comp->n_additions, N);
    assert_string_equal(comp->additions[0].key, "k0");
    assert_string_equal(comp->additions[7].value.s, "again");
    assert_null(comp->additions[N - 1].value.s);
    nt_cluster *d = nt_cluster_clone(c);
    for (int i = 0; i < N; i += 997) {
        snprintf(key, sizeof key, "k%d", i);
        nt_addition *a = nt_component_addition(d->comp[NT_C_DEPLOYMENT], key);
        assert_non_null(a);
        assert_string_equal(a->key, key);
        assert_ptr_equal(a, &d->comp[NT_C_DEPLOYMENT]->additions[i]);
    }
    assert_null(nt_component_addition(comp, "k200000"));
    assert_null(nt_component_addition(comp, ""));
    nt_component_clear_additions(comp);
    assert_int_equal(comp->n_additions, 0);
    assert_null(nt_component_addition(comp, "k1"));
    nt_component_set_addition(comp, "k1", "one", NT_POS_NONE);
    assert_string_equal(nt_component_addition(comp, "k1")->value.s, "one");
    nt_cluster_free(d);
    nt_cluster_free(c);
}

static void test_every_rule_has_a_name_and_none_twice(void **state)
{
    (void)state;
    assert_null(nt_rule_name(NT_RULE_NONE));
    assert_null(nt_rule_name(NT_RULE_COUNT));
    assert_null(nt_rule_name(-1));
    assert_string_equal(nt_rule_name(NT_RULE_API_SERVER_REQUIRED), "api-server-required");
    assert_string_equal(nt_rule_name(NT_RULE_SPELLINGS_DIFFER), "spellings-differ");
    for (int a = 1; a < NT_RULE_COUNT; a++) {
        assert_non_null(nt_rule_name(a));
        for (int b = a + 1; b < NT_RULE_COUNT; b++)
            assert_string_not_equal(nt_rule_name(a), nt_rule_name(b));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_table_is_indexed_by_field_id),
        cmocka_unit_test(test_component_table_knows_both_spellings_and_defaults),
        cmocka_unit_test(test_generation_names_parse_back),
        cmocka_unit_test(test_a_set_finds_ten_thousand_names_and_refuses_duplicates),
        cmocka_unit_test(test_sort_orders_by_name_and_keeps_lookups_working),
        cmocka_unit_test(test_remove_frees_the_cluster_and_keeps_the_others_findable),
        cmocka_unit_test(test_clone_is_deep_and_equal),
        cmocka_unit_test(test_positions_live_beside_the_cluster_and_only_when_loaded),
        cmocka_unit_test(test_kind_helpers_and_label_read_the_declared_strings),
        cmocka_unit_test(test_interned_file_names_are_shared),
        cmocka_unit_test(test_a_cluster_holds_only_the_components_and_positions_it_was_given),
        cmocka_unit_test(test_default_component_words_are_shared_and_other_values_copied),
        cmocka_unit_test(test_reserved_components_live_in_the_array_allocation),
        cmocka_unit_test(test_null_components_share_one_constant_until_written),
        cmocka_unit_test(test_a_taken_field_is_the_callers_allocation),
        cmocka_unit_test(test_a_loaded_cluster_keeps_its_positions_in_its_allocation),
        cmocka_unit_test(test_a_huge_additions_map_keeps_order_and_finds_every_key),
        cmocka_unit_test(test_every_rule_has_a_name_and_none_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
