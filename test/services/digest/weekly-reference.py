"""Reference values for test/services/digest/weekly.test.ts (buildWeeklyDigest), computed independently with numpy.

Run: /usr/bin/python3 test/services/digest/weekly-reference.py > test/services/digest/weekly-reference.json
"""
import json

import numpy as np

DAY = 86_400_000
T0 = 1_700_000_000_000
rng = np.random.default_rng(20260601)
N = 100
rounds = np.arange(1, N + 1)
resolve = {int(r): T0 + int(r) * DAY for r in rounds}
end = T0 + N * DAY + DAY // 2  # rounds 1..100 resolved; the week is rounds 94..100
start = end - 7 * DAY

factor = rng.normal(0, 0.02, N)
x = np.empty((3, N))
x[0] = 0.004 + 0.6 * factor + rng.normal(0, 0.012, N)
x[1] = 0.002 + 0.3 * factor + rng.normal(0, 0.015, N)
x[2] = 0.001 - 0.4 * factor + rng.normal(0, 0.010, N)
COPY_FROM = 80  # model 1 copies model 0 (plus a little noise) from this round: a new near-duplicate
x[1, COPY_FROM - 1:] = x[0, COPY_FROM - 1:] + rng.normal(0, 0.002, N - COPY_FROM + 1)
x[2, 9:19] = np.nan  # model 2 missed rounds 10..19
names = ["m0", "m1", "m2"]
w = np.array([0.5, 0.3, 0.2])
WINDOW, MIN_ROUNDS, RHO = 20, 10, 0.9


def versus_history(v, week_start):
    m = len(v) - week_start
    week = v[week_start:]
    blocks = []
    e = week_start
    while e - m >= 0:
        blocks.append(v[e - m:e].mean())
        e -= m
    blocks = np.array(blocks)
    wm = week.mean()
    pct = ((blocks < wm).sum() + 0.5 * (blocks == wm).sum()) / len(blocks) if len(blocks) >= 4 else None
    return {"weekMean": wm, "weekSum": week.sum(), "weekRounds": m, "historyMean": blocks.mean() if len(blocks) else None,
            "historyBlocks": len(blocks), "percentile": pct}


is_new = np.array([start < resolve[int(r)] <= end for r in rounds])
present = ~np.isnan(x)
port = np.array([(w[present[:, t]] * x[present[:, t], t]).sum() / w[present[:, t]].sum() for t in range(N)])
week_start = int(np.argmax(is_new))
portfolio = versus_history(port, week_start)
models = []
for i in range(3):
    v = x[i][present[i]]
    models.append(versus_history(v, int(np.argmax(is_new[present[i]]))))
best = int(np.argmax([m["weekMean"] for m in models]))
worst = int(np.argmin([m["weekMean"] for m in models]))

full = present.all(axis=0)


def snapshot(cutoff):
    rows = [t for t in range(N) if full[t] and resolve[int(rounds[t])] <= cutoff][-WINDOW:]
    if len(rows) < MIN_ROUNDS:
        return None
    c = np.corrcoef(x[:, rows])
    off = c[np.triu_indices(3, 1)]
    return {"averageCorrelation": off.mean(), "effectiveBets": np.trace(c) ** 2 / (c ** 2).sum(), "rounds": len(rows),
            "lastRound": int(rounds[rows[-1]]), "corr": c}


now, week_ago = snapshot(end), snapshot(end - 7 * DAY)
ago4, ago12 = snapshot(end - 28 * DAY), snapshot(end - 84 * DAY)
new_dups = [{"a": names[i], "b": names[j], "rho": now["corr"][i, j]} for i in range(3) for j in range(i + 1, 3)
            if now["corr"][i, j] >= RHO and not week_ago["corr"][i, j] >= RHO]

cols = x[:, full]
mu = cols.mean(axis=1)
cov = np.cov(cols, ddof=1)
sr = lambda ww: ww @ mu / np.sqrt(ww @ cov @ ww)
loo = [sr(w) - sr(np.where(np.arange(3) == i, 0, w)) for i in range(3)]
hedge = []
for i in range(3):
    others = [j for j in range(3) if j != i]
    rest = (w[others][:, None] * cols[others]).sum(axis=0) / w[others].sum()
    hedge.append({"meanWhenRestDown": cols[i][rest < 0].mean(), "countDown": int((rest < 0).sum())})
best_hedge = int(np.argmax([h["meanWhenRestDown"] for h in hedge]))

strip = lambda s: None if s is None else {k: v for k, v in s.items() if k != "corr"}
out = {
    "inputs": {"names": names, "weights": w.tolist(), "rounds": rounds.tolist(),
               "values": [[None if np.isnan(v) else v for v in row] for row in x.tolist()],
               "resolveTimes": [[k, v] for k, v in resolve.items()], "periodEnd": end,
               "options": {"windowRounds": WINDOW, "minRounds": MIN_ROUNDS, "nearDuplicateRho": RHO}},
    "expected": {
        "newRounds": [int(r) for r in rounds[is_new]],
        "portfolio": portfolio, "cumulative": port.sum(), "portfolioRounds": N,
        "best": {"name": names[best], **models[best]}, "worst": {"name": names[worst], **models[worst]},
        "now": strip(now), "weekAgo": strip(week_ago), "weeksAgo4": strip(ago4), "weeksAgo12": strip(ago12),
        "newNearDuplicates": new_dups,
        "contribution": {"rounds": int(full.sum()), "loo": loo,
                         "top": names[int(np.argmax(loo))], "bottom": names[int(np.argmin(loo))],
                         "bestHedge": {"name": names[best_hedge], **hedge[best_hedge]}},
    },
}
print(json.dumps(out, indent=1, default=float))
