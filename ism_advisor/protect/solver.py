"""Finding disclosed sets: which small sets of respondents, and which figures pinned at a
bound, follow from the shown cells (exact rational elimination per block of linked
cells; see :mod:`ism_advisor.protect.disclosure`)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .patterns import Bounds, Check, Model, unique_rows

SEARCH_BUDGET = 20_000  # subsets tried per block before assuming the worst


_HUBS = 8  # hub segments tried per segmentation and round of M2


# -- finding disclosed sets -----------------------------------------------------------------


def find_disclosed(model: Model, check: Check, shown: np.ndarray, k: int) -> list[set[int]]:
    """For each disclosed small set found: the shown cells its derivation uses."""
    light = check.cost < k
    if not light.any():
        return []
    m = model.specs
    n_segments = len(model.spec_of)
    # nodes: segment s is node s; segmentation j's unpublished class is node n_segments + j
    rest = n_segments + np.arange(m)
    coords = model.coords[check.atoms]
    nodes = np.where(coords >= 0, coords, rest[None, :]) if m else coords
    unpublished = np.flatnonzero(~shown & (model.spec_of >= 0))
    edges_u = [unpublished]
    edges_v = [rest[model.spec_of[unpublished]]]
    cost = np.minimum(check.cost, k).astype(np.int64)
    total_nodes = n_segments + m
    components = -1
    hubs = False
    while True:
        u = np.concatenate(edges_u).astype(np.int64)
        v = np.concatenate(edges_v).astype(np.int64)
        graph = coo_matrix((np.ones(len(u)), (u, v)), shape=(total_nodes, total_nodes))
        count, label = connected_components(graph, directed=False)
        classes = label[nodes]
        tuples, group = unique_rows(classes)
        group_cost = np.minimum(np.bincount(group, weights=cost).astype(np.int64), k)
        if (group_cost >= k).all():
            return []
        if count == components:
            if hubs:
                break
            hubs = True  # M1 is stuck: try M2 as well
        else:
            hubs = False  # M1 alone is cheap and usually enough
        components = count
        node_of = np.zeros(count, dtype=np.int64)  # a node of each class
        node_of[label] = np.arange(total_nodes)
        for j in range(m):
            a, b = _merges(tuples, group_cost, j, k, hubs)
            edges_u.append(node_of[a])
            edges_v.append(node_of[b])
    pinned = np.zeros(count, dtype=bool)
    pinned[label[rest]] = True
    return _solve(tuples, group_cost, pinned, label, shown, k)


def find_pinned(
    model: Model, bounds: Bounds, shown: np.ndarray, k: int
) -> tuple[list[set[int]], np.ndarray, set[int]]:
    """Figures pinned at their bounds: the shown cells of a certificate if that discloses
    something (else an empty list), the pinned atoms, and the certificate's cells.

    A reader who adds the shown cells with weights λ gets Σ v_a x_a for the atoms' figures
    x_a, with v = Σ λ_s (cell s's atoms). If v is 0 on every atom strictly between its
    bounds, ≥ 0 on those at the lower bound and ≤ 0 on those at the upper one, the known
    total can only be reached with every atom where v ≠ 0 at its bound: those figures are
    pinned (Farkas: a figure is pinned at a bound exactly when such a v exists with v ≠ 0
    there). Atoms between their bounds act as heavy atoms do for small sets: two segments
    that share a context in which both atoms are between their bounds carry the same
    weight (M1; M2 does not apply, as a certificate may be large). What remains is one
    linear program that finds every pinnable atom at once (``t`` ≤ 1 per atom at a bound,
    ``t`` ≤ ±v, Σ t as large as possible: a sum of certificates is one), in floating point
    on small integer data; an atom whose ``t`` exceeds 1e-6 counts as pinned, and a solver
    failure as a pin, so that rounding can only hide more.

    A pinned count always discloses (a group without users or without non-users). Pinned
    answers disclose a group below k unless a shown cell says the same (all its answers at
    one end); either way the pinned atoms' sums are known, and the caller checks the small
    sets again with them known.
    """
    from scipy.sparse import csr_matrix, hstack

    if not bounds.side.any():
        return [], bounds.atoms[:0], set()
    m = model.specs
    n_segments = len(model.spec_of)
    rest = n_segments + np.arange(m)
    coords = model.coords[bounds.atoms]
    nodes = np.where(coords >= 0, coords, rest[None, :]) if m else coords
    unpublished = np.flatnonzero(~shown & (model.spec_of >= 0))
    edges_u = [unpublished]
    edges_v = [rest[model.spec_of[unpublished]]]
    total_nodes = n_segments + m
    components = -1
    while True:
        u = np.concatenate(edges_u).astype(np.int64)
        v = np.concatenate(edges_v).astype(np.int64)
        graph = coo_matrix((np.ones(len(u)), (u, v)), shape=(total_nodes, total_nodes))
        count, label = connected_components(graph, directed=False)
        tuples, group = unique_rows(label[nodes])
        low = np.full(len(tuples), 2, dtype=np.int64)
        np.minimum.at(low, group, bounds.side)
        high = np.full(len(tuples), -2, dtype=np.int64)
        np.maximum.at(high, group, bounds.side)
        side = np.where(low == high, low, 0)  # atoms at both bounds: v = 0 there
        if not side.any():
            return [], bounds.atoms[:0], set()
        if count == components:
            break
        components = count
        node_of = np.zeros(count, dtype=np.int64)
        node_of[label] = np.arange(total_nodes)
        between = np.where(side == 0, k, 0)
        for j in range(m):
            a, b = _merges(tuples, between, j, k, False)
            edges_u.append(node_of[a])
            edges_v.append(node_of[b])
    zero = np.zeros(count, dtype=bool)
    zero[label[rest]] = True
    classes = sorted({int(c) for c in np.unique(tuples) if not zero[c]})
    index = {c: i + 1 for i, c in enumerate(classes)}  # 0: the overall cell
    rows, columns = [], []
    for g in range(len(tuples)):
        unknowns = ([0] if shown[0] else []) + [index[int(c)] for c in tuples[g] if int(c) in index]
        rows.extend([g] * len(unknowns))
        columns.extend(unknowns)
    weights = csr_matrix(
        (np.ones(len(rows)), (rows, columns)), shape=(len(tuples), len(classes) + 1)
    )
    at_bound = np.flatnonzero(side)
    between = np.flatnonzero(side == 0)
    n_t = len(at_bound)
    t = csr_matrix((np.ones(n_t), (np.arange(n_t), np.arange(n_t))), shape=(n_t, n_t))
    # -v + t <= 0 at a lower bound, v + t <= 0 at an upper one
    signs = csr_matrix((side[at_bound].astype(float), (np.arange(n_t), np.arange(n_t))))
    upper = hstack([signs @ weights[at_bound], t]).tocsr()
    equal = hstack([weights[between], csr_matrix((len(between), n_t))]).tocsr()
    n_lambda = len(classes) + 1
    from scipy.optimize import linprog  # only here: importing it costs ~0.1 s of start-up

    result = linprog(
        np.concatenate([np.zeros(n_lambda), -np.ones(n_t)]),
        A_ub=upper,
        b_ub=np.zeros(n_t),
        A_eq=equal if len(between) else None,
        b_eq=np.zeros(len(between)) if len(between) else None,
        bounds=[(None, None)] * n_lambda + [(0, 1)] * n_t,
        method="highs",
    )
    worst = {int(s) for s in np.flatnonzero(shown)}  # every shown cell may be part of it
    if result.status != 0:
        return [worst], bounds.atoms, worst
    pinnable = np.zeros(len(tuples), dtype=bool)
    pinnable[at_bound] = result.x[n_lambda:] > 1e-6
    if not pinnable.any():
        return [], bounds.atoms[:0], set()
    solution = {u: w for u, w in enumerate(result.x[:n_lambda]) if abs(w) > 1e-9}
    cells = _cells_of(solution, classes, label, shown)
    pinned = pinnable[group]
    if bounds.any_size:
        return [cells], bounds.atoms[pinned], cells
    # Answers: pinned answers of k or more people, or of people in a shown group whose
    # answers all lie at one end of the scale, are what a shown group's mean and SD say
    # anyway; a group below k pinned otherwise is disclosed.
    harmless = _in_uniform_cells(model, bounds, shown)
    if (pinned & (bounds.people < k) & ~harmless).any():
        return [cells], bounds.atoms[pinned], cells
    return [], bounds.atoms[pinned], cells


def _in_uniform_cells(model: Model, bounds: Bounds, shown: np.ndarray) -> np.ndarray:
    """Which of the bounds' atoms lie in a shown cell all of whose atoms are at the same
    bound (everyone in it answered the scale's lowest, or everyone its highest)."""
    n_segments = len(model.spec_of)
    low = np.full(n_segments, 2, dtype=np.int64)
    high = np.full(n_segments, -2, dtype=np.int64)
    coords = model.coords[bounds.atoms]
    for j in range(model.specs):
        inside = coords[:, j] >= 0
        np.minimum.at(low, coords[inside, j], bounds.side[inside])
        np.maximum.at(high, coords[inside, j], bounds.side[inside])
    low[0], high[0] = bounds.side.min(), bounds.side.max()
    uniform = shown & (low == high) & (low != 0)
    out = np.full(len(bounds.atoms), bool(uniform[0]))
    for j in range(model.specs):
        inside = coords[:, j] >= 0
        out[inside] |= uniform[coords[inside, j]]
    return out


def _merges(
    tuples: np.ndarray, cost: np.ndarray, j: int, k: int, hubs: bool
) -> tuple[np.ndarray, ...]:
    """Pairs of classes of segmentation ``j`` that every small-set derivation weighs alike.

    M1: both heavy in one context. M2: the cheaper atom per shared context adds up to k
    against a hub class (the classes with the most contexts are tried as hubs).
    """
    part = tuples[:, j]
    others = np.delete(tuples, j, axis=1)
    _, context = unique_rows(others)
    us: list[np.ndarray] = []
    vs: list[np.ndarray] = []
    heavy = np.flatnonzero(cost >= k)
    if len(heavy) > 1:
        order = heavy[np.lexsort((part[heavy], context[heavy]))]
        same = context[order[1:]] == context[order[:-1]]
        us.append(part[order[1:]][same])
        vs.append(part[order[:-1]][same])
    parts, local = np.unique(part, return_inverse=True)
    if hubs and len(parts) > 1:
        contexts = np.bincount(local, minlength=len(parts))
        done = np.zeros(len(parts), dtype=bool)
        n_context = int(context.max()) + 1
        for _ in range(_HUBS):
            free = np.flatnonzero(~done)
            if len(free) < 2:
                break
            hub = free[np.argmax(contexts[free])]
            hub_cost = np.zeros(n_context, dtype=np.int64)
            mine = local == hub
            hub_cost[context[mine]] = cost[mine]
            credit = np.bincount(
                local, weights=np.minimum(cost, hub_cost[context]), minlength=len(parts)
            )
            joined = np.flatnonzero((credit >= k) & (np.arange(len(parts)) != hub))
            us.append(parts[joined])
            vs.append(np.full(len(joined), parts[hub]))
            done[joined] = True
            done[hub] = True
    if not us:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(us), np.concatenate(vs)


def _solve(
    tuples: np.ndarray,
    cost: np.ndarray,
    pinned: np.ndarray,
    label: np.ndarray,
    shown: np.ndarray,
    k: int,
) -> list[set[int]]:
    """Exact search of the reduced problem: groups (``tuples`` of classes) and costs.

    Unknowns: a weight per class not pinned to zero, and the weight of the overall
    cell (index 0). Returns, per disclosed set found, the shown cells its derivation uses.
    """
    classes = sorted({int(c) for c in np.unique(tuples) if not pinned[c]})
    index = {c: i + 1 for i, c in enumerate(classes)}  # 0: the overall cell
    overall = bool(shown[0])

    def unknowns(g: int) -> list[int]:
        found = [index[int(c)] for c in tuples[g] if int(c) in index]
        return ([0] if overall else []) + found

    heavy = np.flatnonzero(cost >= k)
    light = np.flatnonzero(cost < k)
    constraints = {frozenset(unknowns(g)) for g in heavy}
    basis = _nullspace([dict.fromkeys(c, Fraction(1)) for c in constraints if c], len(index) + 1)
    # which light groups each unknown touches
    touches: dict[int, list[int]] = {}
    for position, g in enumerate(light):
        for u in unknowns(g):
            touches.setdefault(u, []).append(position)
    images = []
    for weights in basis:
        image: dict[int, Fraction] = {}
        for u, w in weights.items():
            for position in touches.get(u, ()):
                image[position] = image.get(position, 0) + w
        image = {p: v for p, v in image.items() if v}
        if image:
            images.append((image, weights))
    if not images:
        return []
    rows = _echelon(images)
    light_cost = cost[light]
    found = []
    for block in _blocks(rows):
        derivation = _search(block, light_cost, k)
        if derivation is not None:
            found.append(_cells_of(derivation, classes, label, shown))
    return found


def _nullspace(rows: list[dict[int, Fraction]], size: int) -> list[dict[int, Fraction]]:
    """A basis of {x : row · x = 0 for every row}, over unknowns 0..size-1."""
    pivots = _reduce_rows(rows)
    basis = []
    pivot_of = {p: row for p, row in pivots.items()}
    for free in range(size):
        if free in pivot_of:
            continue
        vector = {free: Fraction(1)}
        for p, row in pivot_of.items():
            value = row.get(free)
            if value:
                vector[p] = -value
        basis.append(vector)
    return basis


def _reduce_rows(rows: list[dict[int, Fraction]]) -> dict[int, dict[int, Fraction]]:
    """Reduced row echelon form: pivot column → row (1 at the pivot, 0 at other pivots)."""
    return _reduce_rows_main(rows, 1 << 62)


def _axpy(target: dict[int, Fraction], scale: Fraction, source: dict[int, Fraction]) -> None:
    for column, value in source.items():
        target[column] = target.get(column, 0) + scale * value


def _echelon(images):
    """Echelon form of the images on light groups, each with the unknowns' weights."""
    offset = 1 << 40  # tracked weights live in columns beyond every group position
    rows = []
    for image, weights in images:
        row = dict(image)
        for u, w in weights.items():
            row[offset + u] = w
        rows.append(row)
    pivots = _reduce_rows_main(rows, offset)
    out = []
    for pivot, row in sorted(pivots.items()):
        image = {c: v for c, v in row.items() if c < offset}
        weights = {c - offset: v for c, v in row.items() if c >= offset}
        out.append((pivot, image, weights))
    return out


def _reduce_rows_main(rows, offset):
    """As :func:`_reduce_rows`, with pivots only in columns below ``offset``."""
    pivots: dict[int, dict[int, Fraction]] = {}
    for original in rows:
        row = dict(original)
        for column in sorted(c for c in row if c in pivots):
            value = row.get(column)
            if value:
                _axpy(row, -value, pivots[column])
        row = {c: v for c, v in row.items() if v}
        main = [c for c in row if c < offset]
        if not main:
            continue
        pivot = min(main)
        scale = 1 / Fraction(row[pivot])
        row = {c: v * scale for c, v in row.items()}
        for target in pivots.values():
            value = target.get(pivot)
            if value:
                _axpy(target, -value, row)
                for c in [c for c, v in target.items() if not v]:
                    del target[c]
        pivots[pivot] = row
    return pivots


def _blocks(rows):
    """Rows of the echelon form grouped by the light groups they share."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[int, int] = {}
    for i, (_, image, _) in enumerate(rows):
        for column in image:
            if column in owner:
                a, b = find(i), find(owner[column])
                if a != b:
                    parent[a] = b
            else:
                owner[column] = i
    blocks: dict[int, list] = {}
    for i, row in enumerate(rows):
        blocks.setdefault(find(i), []).append(row)
    return [blocks[key] for key in sorted(blocks)]


def _search(block, cost: np.ndarray, k: int) -> dict[int, Fraction] | None:
    """A derivation of a 0/1 vector of cost below k in the block's span, or None.

    Such a vector has 1 at the pivots it contains and nothing at the others, so it is the
    sum of those pivots' rows: subsets of pivots are tried, cheapest first.
    """
    block = sorted(block, key=lambda row: (int(cost[row[0]]), row[0]))
    pivot_cost = [int(cost[pivot]) for pivot, _, _ in block]
    tried = 0
    for size in range(1, len(block) + 1):
        if sum(sorted(pivot_cost)[:size]) >= k:
            break
        for subset in itertools.combinations(range(len(block)), size):
            if sum(pivot_cost[i] for i in subset) >= k:
                continue
            tried += 1
            if tried > SEARCH_BUDGET:  # too many to try: assume the worst
                return next((w for _, _, w in block if any(u > 0 for u in w)), block[0][2])
            total: dict[int, Fraction] = {}
            for i in subset:
                for column, value in block[i][1].items():
                    total[column] = total.get(column, 0) + value
            support = [c for c, v in total.items() if v]
            if all(total[c] == 1 for c in support) and sum(int(cost[c]) for c in support) < k:
                weights: dict[int, Fraction] = {}
                for i in subset:
                    for u, w in block[i][2].items():
                        weights[u] = weights.get(u, 0) + w
                return weights
    return None


def _cells_of(
    weights: dict[int, Fraction], classes: list[int], label: np.ndarray, shown: np.ndarray
) -> set[int]:
    """The shown cells a derivation uses: the overall cell and every segment of a class
    with a nonzero weight."""
    used = {classes[u - 1] for u, w in weights.items() if w and u > 0}
    cells = {0} if weights.get(0) else set()
    for s in np.flatnonzero(shown):
        if s and int(label[s]) in used:
            cells.add(int(s))
    return cells


def find_derivation(
    model: Model, check: Check, shown: np.ndarray, inside: np.ndarray
) -> set[int] | None:
    """The shown cells a derivation of the atoms ``inside`` uses, or None if the set
    does not follow from the shown cells.

    Every atom's value is known here (1 inside, 0 outside), so two segments of one
    segmentation that meet atoms of equal value in one context carry the same weight;
    what is left is solved exactly.
    """
    m = model.specs
    n_segments = len(model.spec_of)
    rest = n_segments + np.arange(m)
    coords = model.coords[check.atoms]
    nodes = np.where(coords >= 0, coords, rest[None, :]) if m else coords
    value = inside.astype(np.int64)
    unpublished = np.flatnonzero(~shown & (model.spec_of >= 0))
    edges_u = [unpublished]
    edges_v = [rest[model.spec_of[unpublished]]]
    total_nodes = n_segments + m
    components = -1
    while True:
        u = np.concatenate(edges_u).astype(np.int64)
        v = np.concatenate(edges_v).astype(np.int64)
        graph = coo_matrix((np.ones(len(u)), (u, v)), shape=(total_nodes, total_nodes))
        count, label = connected_components(graph, directed=False)
        classes = label[nodes]
        tuples, group = unique_rows(classes)
        low = np.full(len(tuples), 2, dtype=np.int64)
        np.minimum.at(low, group, value)
        high = np.full(len(tuples), -1, dtype=np.int64)
        np.maximum.at(high, group, value)
        if (low != high).any():
            return None  # atoms every derivation weighs alike, inside and outside
        if count == components:
            break
        components = count
        node_of = np.zeros(count, dtype=np.int64)
        node_of[label] = np.arange(total_nodes)
        for j in range(m):
            part = tuples[:, j]
            keyed = np.column_stack([np.delete(tuples, j, axis=1), low])
            _, context = unique_rows(keyed)
            order = np.lexsort((part, context))
            same = context[order[1:]] == context[order[:-1]]
            edges_u.append(node_of[part[order[1:]][same]])
            edges_v.append(node_of[part[order[:-1]][same]])
    pinned = np.zeros(count, dtype=bool)
    pinned[label[rest]] = True
    classes_list = sorted({int(c) for c in np.unique(tuples) if not pinned[c]})
    index = {c: i + 1 for i, c in enumerate(classes_list)}
    overall = bool(shown[0])
    rhs = 1 << 62  # the column holding each equation's value
    equations = {}
    for g in range(len(tuples)):
        unknowns = ([0] if overall else []) + [index[int(c)] for c in tuples[g] if int(c) in index]
        key = frozenset(unknowns)
        if equations.setdefault(key, int(low[g])) != int(low[g]):
            return None  # the same weights must give 0 and 1

    rows = []
    for unknowns, target in equations.items():
        row = dict.fromkeys(unknowns, Fraction(1))
        if target:
            row[rhs] = Fraction(target)
        if row:
            rows.append(row)
    pivots = _reduce_rows_main(rows, rhs)
    solution: dict[int, Fraction] = {}
    for pivot, row in pivots.items():
        solution[pivot] = row.get(rhs, Fraction(0))
    # consistency: every equation holds for the particular solution (free unknowns 0)
    for unknowns, target in equations.items():
        if sum(solution.get(u, Fraction(0)) for u in unknowns) != target:
            return None
    return _cells_of(solution, classes_list, label, shown)
