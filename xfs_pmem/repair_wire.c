// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (c) 2026 The pmemfail authors.
 *
 * Records of a repair step, from its child process to the parent.  libxfs
 * can be set up only once per process, so each step that opens the
 * filesystem runs in a child of its own; what it found comes back over a
 * pipe.  A record is its length, then its fields: fixed-size numbers, and
 * strings and path lists each prefixed by their length.  Nothing in a
 * name is special (a text protocol once cut a file's thousand names at a
 * line buffer), and nothing is cut.  Both ends are the same binary on the
 * same machine: numbers go in host order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "repair.h"

/* No record is bigger: a step sending one is broken, not the filesystem. */
#define REPAIR_WIRE_MAX		(1U << 30)

/* A record being put together, or taken apart. */
struct repair_buf {
	char		*p;
	size_t		len;
	size_t		cap;
	size_t		pos;		/* reading */
};

static int
repair_buf_put(
	struct repair_buf	*b,
	const void		*v,
	size_t			len)
{
	if (b->len + len > b->cap) {
		size_t	ncap = b->cap ? b->cap : 256;
		char	*p;

		while (ncap < b->len + len)
			ncap *= 2;
		p = realloc(b->p, ncap);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, v, len);
	b->len += len;
	return 0;
}

static int
repair_buf_put_u64(
	struct repair_buf	*b,
	uint64_t		v)
{
	return repair_buf_put(b, &v, sizeof(v));
}

static int
repair_buf_put_str(
	struct repair_buf	*b,
	const char		*s)
{
	uint32_t		len = s ? strlen(s) : 0;

	return repair_buf_put(b, &len, sizeof(len)) ?:
	       repair_buf_put(b, s ? s : "", len);
}

static int
repair_buf_get(
	struct repair_buf	*b,
	void			*v,
	size_t			len)
{
	if (len > b->len - b->pos)
		return -EPROTO;
	memcpy(v, b->p + b->pos, len);
	b->pos += len;
	return 0;
}

static int
repair_buf_get_str(
	struct repair_buf	*b,
	char			**sp)
{
	uint32_t		len;
	int			error;

	error = repair_buf_get(b, &len, sizeof(len));
	if (error)
		return error;
	if (len > b->len - b->pos)
		return -EPROTO;
	*sp = strndup(b->p + b->pos, len);
	if (!*sp)
		return -ENOMEM;
	b->pos += len;
	return 0;
}

/* Send one record; 0 or a negative errno. */
int
repair_wire_put(
	FILE				*f,
	const struct repair_item	*it)
{
	struct repair_buf		b = { 0 };
	uint32_t			len;
	int				error;

	error = repair_buf_put(&b, &it->kind, 1) ?:
		repair_buf_put_u64(&b, it->ino) ?:
		repair_buf_put_u64(&b, it->start) ?:
		repair_buf_put_u64(&b, it->length) ?:
		repair_buf_put_str(&b, it->owner) ?:
		repair_buf_put_str(&b, it->dev) ?:
		repair_buf_put_str(&b, it->check) ?:
		repair_buf_put_str(&b, it->detail) ?:
		repair_buf_put_u64(&b, it->aux) ?:
		repair_buf_put(&b, &it->npaths, sizeof(it->npaths));
	for (uint32_t i = 0; !error && i < it->npaths; i++)
		error = repair_buf_put_str(&b, it->paths[i]);
	if (!error && b.len > REPAIR_WIRE_MAX)
		error = -E2BIG;
	len = b.len;
	if (!error && (fwrite(&len, sizeof(len), 1, f) != 1 ||
		       fwrite(b.p, 1, b.len, f) != b.len))
		error = -EIO;
	free(b.p);
	return error;
}

/* Take one record apart; every string comes back allocated, maybe empty. */
static int
repair_wire_decode(
	struct repair_buf	*b,
	struct repair_item	*it)
{
	int			error;

	memset(it, 0, sizeof(*it));
	error = repair_buf_get(b, &it->kind, 1) ?:
		repair_buf_get(b, &it->ino, sizeof(it->ino)) ?:
		repair_buf_get(b, &it->start, sizeof(it->start)) ?:
		repair_buf_get(b, &it->length, sizeof(it->length)) ?:
		repair_buf_get_str(b, &it->owner) ?:
		repair_buf_get_str(b, &it->dev) ?:
		repair_buf_get_str(b, &it->check) ?:
		repair_buf_get_str(b, &it->detail) ?:
		repair_buf_get(b, &it->aux, sizeof(it->aux)) ?:
		repair_buf_get(b, &it->npaths, sizeof(it->npaths));
	if (error)
		return error;
	/* Each path takes at least its length: a count past that is garbage. */
	if (it->npaths > (b->len - b->pos) / sizeof(uint32_t)) {
		it->npaths = 0;
		return -EPROTO;
	}
	it->paths = calloc(it->npaths ? it->npaths : 1, sizeof(*it->paths));
	if (!it->paths) {
		it->npaths = 0;
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < it->npaths; i++) {
		error = repair_buf_get_str(b, &it->paths[i]);
		if (error)
			return error;
	}
	return b->pos == b->len ? 0 : -EPROTO;
}

/*
 * Receive one record: 1 with @it filled in (free it with
 * repair_item_free()), 0 at the end of the stream, or a negative errno.
 */
int
repair_wire_get(
	FILE			*f,
	struct repair_item	*it)
{
	struct repair_buf	b = { 0 };
	uint32_t		len;
	int			error;

	memset(it, 0, sizeof(*it));
	if (fread(&len, sizeof(len), 1, f) != 1)
		return ferror(f) ? -EIO : 0;
	if (len > REPAIR_WIRE_MAX)
		return -EPROTO;
	b.p = malloc(len ? len : 1);
	if (!b.p)
		return -ENOMEM;
	b.len = b.cap = len;
	if (fread(b.p, 1, len, f) != len) {
		free(b.p);
		return -EPROTO;
	}
	error = repair_wire_decode(&b, it);
	free(b.p);
	if (error) {
		repair_item_free(it);
		return error;
	}
	return 1;
}

void
repair_item_free(
	struct repair_item	*it)
{
	for (uint32_t i = 0; i < it->npaths; i++)
		free(it->paths[i]);
	free(it->paths);
	free(it->owner);
	free(it->dev);
	free(it->check);
	free(it->detail);
	memset(it, 0, sizeof(*it));
}

/* Give @it its own copy of @paths. */
int
repair_item_set_paths(
	struct repair_item	*it,
	const char * const	*paths,
	uint32_t		npaths)
{
	it->paths = calloc(npaths ? npaths : 1, sizeof(*it->paths));
	if (!it->paths)
		return -ENOMEM;
	for (it->npaths = 0; it->npaths < npaths; it->npaths++) {
		it->paths[it->npaths] = strdup(paths[it->npaths]);
		if (!it->paths[it->npaths])
			return -ENOMEM;
	}
	return 0;
}

/* Keep @it in @plan, which then owns what it points to. */
int
repair_plan_add(
	struct repair_plan	*plan,
	struct repair_item	*it)
{
	switch (it->kind) {
	case REPAIR_SUMMARY:
		plan->meta = it->ino;
		plan->log = it->start;
		repair_item_free(it);
		return 0;
	case REPAIR_DATA:
		plan->data_bytes += it->length;
		break;
	case REPAIR_QUARANTINE:
		plan->quarantine_bytes += it->length;
		plan->quarantine_ino = it->ino;
		break;
	case REPAIR_UNWRITTEN:
		plan->unwritten_bytes += it->length;
		break;
	case REPAIR_TALLY:
		plan->accounted = true;
		plan->acct.intact = it->start;
		plan->acct.unread_dirs = it->length;
		plan->acct.unaccounted = it->ino;
		plan->acct.unaccounted_known = it->aux;
		break;
	case REPAIR_INUSE:
		plan->inuse = it->start;
		repair_item_free(it);
		return 0;
	case REPAIR_FATE:
		if (it->aux >= PMF_FATE_NR) {
			repair_item_free(it);
			return -EPROTO;
		}
		plan->acct.n[it->aux]++;
		break;
	case REPAIR_META:
	case REPAIR_INVENTORY:
	case REPAIR_ATTR:
	case REPAIR_RESTORE:
		break;
	default:
		repair_item_free(it);
		return -EPROTO;
	}
	if (plan->nr == plan->cap) {
		size_t	ncap = plan->cap ? plan->cap * 2 : 32;
		void	*p = realloc(plan->items, ncap * sizeof(*plan->items));

		if (!p) {
			repair_item_free(it);
			return -ENOMEM;
		}
		plan->items = p;
		plan->cap = ncap;
	}
	plan->items[plan->nr++] = *it;
	memset(it, 0, sizeof(*it));
	return 0;
}

void
repair_plan_free(
	struct repair_plan	*plan)
{
	for (size_t i = 0; i < plan->nr; i++)
		repair_item_free(&plan->items[i]);
	free(plan->items);
	memset(plan, 0, sizeof(*plan));
}
