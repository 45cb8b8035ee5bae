#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The host half of tests/t/kernel-predict.sh: for every block the guest
# poisoned, what xfs_pmem simulate predicted (its ON-MEDIA-LOSS column, on
# the same device in the same boot) against what the kernel did.  The
# expectations come from the prediction only:
#   shutdown  a write after the poison fails   iff "shutdown" is predicted;
#   sick      the health the kernel reports (fs, every AG, the owner
#             inode, every rtgroup) changed    iff "sick" is predicted, and
#             for an AG structure, in the AG of the prediction's row, for
#             an rtgroup's metadata file, in that rtgroup;
#   kill      the process mapping the owner's file got SIGBUS
#                                              iff "kill" is predicted;
#             the bystander's process never does;
#   log       for every row, the kernel's line of each action predicted
#             (the file's "data lost" line if it unmaps or kills, else the
#             record line; the sick line, naming the inode or the AG; the
#             shutdown line), naming the row's inode if it has one, and no
#             record, sick or shutdown line that no row predicts.
#
# Usage: predict-check.py KDAX_LOG OUTDIR [TARGET...]
# Prints one line per target; exit 0 if the kernel did what simulate said
# for all of them, and every TARGET named came back, 1 otherwise.
import json
import re
import sys

# Owners that are AG structures: their sick mark is the AG's.
AG_OWNERS = {"ag-btree", "bnobt", "cntbt", "rmapbt", "inobt", "finobt",
             "refcountbt", "inodes", "ag-headers"}


def health(line):
    f = line.split()
    return {f[i]: int(f[i + 1], 16) for i in range(0, len(f) - 1, 2)}


def log_matches(rows, lines):
    """The kernel's lines say what each row's actions say, and no more."""
    def has(pattern):
        return any(re.search(pattern, l) for l in lines)

    allacts = set()
    for r in rows:
        acts = set(filter(None, (r.get("on-media-loss") or "").split(",")))
        allacts |= acts
        o = re.escape(r["owner"])
        ino = (f"0x{int(r['inode']):x}" if r.get("inode") not in (None, "")
               else "0x[0-9a-f]+")
        # File data the kernel unmaps or kills for goes through the
        # file's own line; a loss only recorded gets the record line.
        if r["owner"] == "data" and acts & {"unmap", "kill"}:
            if not has(f"media failure: data lost: ino {ino} offset "):
                return False
        elif "record" in acts:
            if not has(f"media failure: {o} lost: ino {ino} daddr "):
                return False
        if "sick" in acts:
            where = f"\\S+ ino {ino}" if r.get("inode") not in (None, "") \
                else "AG [0-9]+"
            if not has(f"media failure: {o} of {where} lost at .*marked sick"):
                return False
        if "shutdown" in acts and \
                not has(f"media failure: {o} of .*cannot go on"):
            return False
    if not allacts & {"record", "unmap", "kill"} and has(r"lost: ino "):
        return False
    if "sick" not in allacts and has("marked sick"):
        return False
    if "shutdown" not in allacts and has("cannot go on"):
        return False
    return True


def main():
    log = [l.rstrip("\n") for l in open(sys.argv[1], errors="replace")]
    outdir = sys.argv[2]
    targets = []
    facts = {}
    step = None
    dmesg = {}
    for l in log:
        m = re.match(r"target (\S+) daddr (\d+) ino (\S+) mapper (\S+)$", l)
        if m:
            targets.append(m.groups())
            continue
        m = re.match(r"step (\S+)$", l)
        if m:
            step = m.group(1)
            dmesg[step] = []
            continue
        if l.startswith("dmesg ") and step:
            dmesg[step].append(l)
            continue
        m = re.match(r"(sim|write-after|health-before|health-after) (\S+) (.*)$", l)
        if m:
            facts[(m.group(1), m.group(2))] = m.group(3)
            continue
        m = re.match(r"proc (\S+) (.*)$", l)
        if m:
            facts[("proc", m.group(1))] = m.group(2)

    names = {t[0] for t in targets}
    missing = [n for n in sys.argv[3:] if n not in names]
    if len(targets) < 11 or missing:
        print(f"only {len(targets)} targets came back; of those asked for, "
              f"missing: {' '.join(missing) or 'none'}")
        return 1
    bad = 0
    print(f"{'TARGET':11} {'PREDICTED (owner effect on-media-loss)':44} "
          f"{'SHUTDOWN':9} {'SICK':9} {'KILL':9} {'LOG':5} VERDICT")
    for name, daddr, ino, mapper in targets:
        why = []
        if daddr == "0" and name != "sb1":
            why.append("no block found")
        try:
            rows = json.load(open(f"{outdir}/sim-{name}.json"))["impacts"]
        except (OSError, ValueError, KeyError) as e:
            print(f"{name:11} no prediction: {e}")
            bad += 1
            continue
        if not rows:
            why.append("empty prediction")
        media = set()
        for r in rows:
            media |= set(filter(None, (r.get("on-media-loss") or "").split(",")))
        pred = "; ".join(sorted({f"{r['owner']} {r['effect']} "
                                 f"{r.get('on-media-loss') or '-'}"
                                 for r in rows}))

        wa = facts.get(("write-after", name))
        shut = wa is not None and wa != "0"
        exp_shut = "shutdown" in media
        if wa is None or shut != exp_shut:
            why.append(f"shutdown: write-after {wa}, predicted {exp_shut}")

        hb = facts.get(("health-before", name))
        ha = facts.get(("health-after", name))
        changed = set()
        if hb is None or ha is None:
            why.append("no health read")
        else:
            b, a = health(hb), health(ha)
            changed = {k for k in a if a[k] != b.get(k)}
        exp_sick = "sick" in media
        if bool(changed) != exp_sick:
            why.append(f"sick: changed {sorted(changed)}, predicted {exp_sick}")
        for r in rows:
            if (r["owner"] in AG_OWNERS and
                    "sick" in (r.get("on-media-loss") or "") and
                    f"ag{r['ag']}" not in changed):
                why.append(f"sick: AG {r['ag']} not marked for {r['owner']}")
            rg = re.match(r"rtgroup (\d+) ", r.get("metafile") or "")
            if (rg and "sick" in (r.get("on-media-loss") or "") and
                    f"rg{rg.group(1)}" not in changed):
                why.append(f"sick: rtgroup {rg.group(1)} not marked for "
                           f"its {r['metafile']}")

        st = facts.get(("proc", f"{name}-{mapper}"), "?")
        killed = st != "alive"
        exp_kill = "kill" in media
        if killed != exp_kill or (exp_kill and st != "exit 42"):
            why.append(f"kill: mapper {mapper} {st}, predicted {exp_kill}")
        if facts.get(("proc", f"{name}-bystander")) != "alive":
            why.append("kill: the bystander died")

        lines = dmesg.get(name, [])
        logok = log_matches(rows, lines)
        if not logok:
            why.append("log: " + (" | ".join(lines) or "no kernel line"))

        verdict = "ok" if not why else "DIVERGES: " + "; ".join(why)
        bad += bool(why)
        print(f"{name:11} {pred:44} {str(shut):9} {str(bool(changed)):9} "
              f"{str(killed):9} {'ok' if logok else 'BAD':5} {verdict}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
