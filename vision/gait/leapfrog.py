"""The ``leapfrog`` event detector: contacts and lifts from the order of the feet along the
direction of travel, blind to the pose model's left/right labels.

In walking, forward or backward, the feet leapfrog: a contact is the moment the foot that has
just moved to the front (along the direction of TRAVEL, not of facing) comes to rest, and a lift
is the moment the foot at the back starts to move. So per frame only two numbers matter: the
position along the travel axis of the foremost foot point and of the hindmost one, of each kind
(heels, toes). Both are the same whichever foot BlazePose calls left, so its side-view leg swaps
cannot create or hide events.

* Contact: the foremost track of a point kind (heel or toe) ends a move and rests. Whichever of
  the two kinds rests first is the first part of the foot on the floor: the toe when walking
  backward, the heel when walking forward, found rather than assumed (over the whole walk, so
  that per-swing noise in which kind looks first does not bias the timing).
* Heel and toe are one rigid foot: their swings pair up by overlapping in time (one foot is in
  the air at a time), and a move seen in one kind only is a creeping foot point, not a step.
* Lift: the hindmost track starts a move; the later of the two kinds is the last part of the foot
  to leave (the heel walking backward, the toe walking forward).
* The moment of rest is where the foot's approach reaches its resting place (within the noise),
  and the moment of leaving where it departs from it, not where a speed threshold is crossed (a
  threshold fires while the foot is still gliding in).

Feet are named afterwards: contacts alternate, and the phase is the one most of the pose model's
labels agree with.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vision.gait.swing_fit import (
    SwingFit,
    difference_noise,
    event_at,
    fit_arrival,
    fit_departure,
    fit_swing_ends,
    leading_kind,
    merge_kinds,
    moving_mask,
    pair_swings,
)
from vision.landmarks import HEEL, TOE
from vision.result import Event, Foot, other_foot
from vision.timeseries import (
    fill_short_gaps,
    frame_rate,
    median_lowpass,
    segment_median,
    true_runs,
)


@dataclass(frozen=True)
class LeapfrogOptions:
    """Attributes:
    cutoff_hz: low-pass cut-off of the foremost/hindmost tracks.
    median_s: running-median window applied before the low-pass, seconds.
    powers: shapes tried for the end of an approach (see
        :func:`~vision.gait.swing_fit.fit_arrival`).
    max_gap_s: gaps in the foot tracks up to this long are interpolated.
    settle_s: resting levels are read over this long after a move ends (before it starts).
    search_s: event times are searched this far around the speed-threshold estimate.
    moving_fraction: a track moves when its speed exceeds this fraction of its typical peak
        speed (95th percentile while walking) ...
    min_moving_bh_s: ... and never below this speed, body heights per second (noise floor).
    hold_fraction: a closing step's move lasts while its speed stays above this fraction of
        its peak (see ``_closing_arrival``).
    min_move_bh: a move shorter than this distance (body heights) is not a step.
    min_move_frontal_bh: the same in front and back views, where a step is seen foreshortened
        (as a change of depth) and so covers fewer body heights in the picture.
    min_rest_s: a rest shorter than this is not a stance.
    pair_s: heel and toe events further apart than this are not the same foot's event, where a
        swing's other end is not seen (else swings pair by overlap in time).
    min_swing_s: a lift this close before a contact is not that landing foot's (no walking
        swing is this short), so it is named for the foot that lands after it.
    """

    cutoff_hz: float = 8.0
    moving_fraction: float = 0.25
    hold_fraction: float = 0.1
    min_moving_bh_s: float = 0.12
    min_move_bh: float = 0.05
    min_move_frontal_bh: float = 0.03
    min_rest_s: float = 0.08
    pair_s: float = 0.25
    powers: tuple[float, ...] = (1.0, 1.5, 2.0, 2.5, 3.0)
    median_s: float = 0.1
    max_gap_s: float = 0.2
    settle_s: float = 0.2
    search_s: float = 0.1
    # A walking swing lasts about 40% of a gait cycle (Perry and Burnfield, Gait Analysis,
    # 2010): over 0.3 s even at 140 steps/min.
    min_swing_s: float = 0.2


def travel_axis(points: np.ndarray, frontal: bool) -> np.ndarray:
    """(2,) unit image direction of the walk: the main axis of the feet's positions, oriented
    like image x (side and oblique views) or image y (front and back views), the axes the travel
    sign refers to. ``points`` is (T, 2, K, 2) foot points in pixels."""
    pts = points.reshape(-1, 2)
    pts = pts[np.isfinite(pts).all(axis=1)]
    ref = np.array([0.0, 1.0]) if frontal else np.array([1.0, 0.0])
    if len(pts) < 10:
        return ref
    centred = pts - pts.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axis = vt[0]
    if abs(axis @ ref) < 0.5:  # the feet barely travel: keep the view's axis
        return ref
    return axis if axis @ ref > 0 else -axis


def order_tracks(
    points: np.ndarray, axis: np.ndarray, sign: np.ndarray, body_height_px: float
) -> tuple[np.ndarray, np.ndarray]:
    """Foremost and hindmost positions along travel, (T, 2) each for [heel, toe], body heights.

    ``points`` (T, 2 feet, >=2 [heel, toe, ...], 2) pixels; ``sign`` (T,) +1/-1 travel sign
    along ``axis``. NaN where either foot's point is missing.
    """
    along = points[:, :, :2, :] @ axis  # (T, 2 feet, 2 kinds)
    along = along * sign[:, None, None] / body_height_px
    return along.max(axis=1), along.min(axis=1)


def _moves(x: np.ndarray, fps: float, opts: LeapfrogOptions) -> list[tuple[int, int]]:
    """Row ranges (start, stop) where the track ``x`` (body heights, increasing along travel for
    the foremost track when it moves) moves forward by at least ``min_move_bh``."""
    moving = moving_mask(np.gradient(x) * fps, fps, opts.moving_fraction, opts.min_moving_bh_s)
    return [
        (a, b) for a, b in true_runs(moving) if x[min(b, len(x) - 1)] - x[a] >= opts.min_move_bh
    ]


def _swings(
    lead: np.ndarray,
    trail: np.ndarray,
    t: np.ndarray,
    fps: float,
    opts: LeapfrogOptions,
    entered: bool = False,
) -> list[SwingFit]:
    """Swings of one point kind (heels or toes) from its foremost and hindmost tracks.
    ``entered``: the feet came into view at the tracks' first row (unseen before it).

    While one foot swings the other rests at a level P, and {foremost, hindmost} is {swinging,
    resting} in every frame, so the swinging foot is ``lead + trail - P`` throughout, whichever
    foot is in front: no need to find where the feet pass each other.
    """
    lead_moves = _moves(lead, fps, opts)
    trail_moves = _moves(trail, fps, opts)
    min_rest = max(int(round(opts.min_rest_s * fps)), 2)
    rest = int(round(0.3 * fps))
    near = int(round(0.15 * fps))
    # The hindmost track stops moving where the swinging foot passes the resting one, which is
    # where the foremost track starts moving; noise moves either end by a few frames.
    pass_rows = int(round(0.25 * fps))
    # The resting level is read just after a move ends (just before it starts): the pose
    # model's foot points creep while the foot rolls over, so a longer window drifts.
    settle = max(int(round(opts.settle_s * fps)), 2)
    out: list[SwingFit] = []
    used_trail: set[int] = set()
    for k, (al, bl) in enumerate(lead_moves):
        rest_until = lead_moves[k + 1][0] if k + 1 < len(lead_moves) else len(lead)
        landed = rest_until - bl >= min_rest  # else still moving when the view ends
        stance = segment_median(lead, al - rest // 2, al)  # the foremost foot before this move
        match = [
            m
            for m, (at, bt) in enumerate(trail_moves)
            if at < al and abs(bt - al) <= pass_rows and m not in used_trail
        ]
        lift_search = opts.search_s
        if match:
            m = min(match, key=lambda m: abs(trail_moves[m][1] - al))
            used_trail.add(m)
            at = trail_moves[m][0]
            prev_end = trail_moves[m - 1][1] if m > 0 else 0
            start_level = segment_median(trail, max(prev_end, at - settle), at)
            if at - prev_end < max(min_rest, near):
                # No rest seen before the lift (the walker came into view moving): only the
                # landing can be timed.
                if landed:
                    out += _landing(lead, t, al, bl, rest_until, settle, near, opts)
                continue
        elif entered and k == 0 and al < near:
            # The foot was already in front and moving when the view began (the walker came
            # into the picture mid-swing): its landing is seen whole, its lift is not.
            if landed:
                out += _landing(lead, t, al, bl, rest_until, settle, near, opts)
            continue
        else:
            # From feet side by side (gait initiation): the move starts at the lift, after both
            # feet were seen resting for a while (not a walker coming into view mid-stride).
            at = al
            quiet_from = max(
                lead_moves[k - 1][1] if k > 0 else 0,
                max((b for _, b in trail_moves if b <= al), default=0),
            )
            if not landed or al - quiet_from < rest:
                continue
            start_level = stance
            # The speed threshold finds a slow first push-off late: look further back.
            lift_search = 2.5 * opts.search_s
        lo = max(at - int(round(lift_search * fps)) - near, lead_moves[k - 1][1] if k > 0 else 0)
        nxt_trail = [a for a, _ in trail_moves if a > bl]
        hi = min(bl + near, nxt_trail[0] if nxt_trail else len(lead), len(lead))
        swing = lead[lo:hi] + trail[lo:hi] - stance
        if not match:  # the swinging foot's own resting level, before it moved
            start_level = segment_median(swing, 0, settle)
        if not landed:  # a lift whose landing is not seen: time the lift alone
            if np.isfinite([start_level]).all() and bl - lo >= 4:
                lift, _ = fit_departure(
                    t[lo:bl], swing[: bl - lo], start_level, float(t[at]), lift_search
                )
                out.append(SwingFit(lift_s=lift, contact_s=float("nan"), rms=float("nan")))
            continue
        end_level = segment_median(lead, bl, min(rest_until, bl + settle))
        if not np.isfinite([start_level, end_level, stance]).all() or hi - lo < 6:
            continue
        out.append(
            fit_swing_ends(
                t[lo:hi],
                swing,
                start_level,
                end_level,
                float(t[at]),
                float(t[min(bl, len(t) - 1)]),
                opts.search_s,
                powers=opts.powers,
                lift_search_s=lift_search,
            )
        )
    # A closing step: the hindmost foot moves up beside the other and rests, and no foremost
    # move follows it (it did not pass the other foot).
    for m, (at, bt) in enumerate(trail_moves):
        if m in used_trail or any(abs(al - bt) <= pass_rows for al, _ in lead_moves):
            continue
        rest_until = trail_moves[m + 1][0] if m + 1 < len(trail_moves) else len(trail)
        prev_end = trail_moves[m - 1][1] if m > 0 else 0
        if rest_until - bt < min_rest or at - prev_end < min_rest:
            continue
        lo, hi = max(at - near, prev_end), min(bt + near, rest_until)
        start_level = segment_median(trail, max(prev_end, at - settle), at)
        end_level = segment_median(trail, bt, min(rest_until, bt + settle))
        if np.isfinite([start_level, end_level]).all() and hi - lo >= 6:
            fit = fit_swing_ends(
                t[lo:hi],
                trail[lo:hi],
                start_level,
                end_level,
                float(t[at]),
                float(t[min(bt, len(t) - 1)]),
                opts.search_s,
                powers=opts.powers,
            )
            closing = _closing_arrival(fit, lead, trail, t, at, bt, rest_until, fps, opts)
            out.append(replace(closing, closing=True))
    return sorted(out, key=lambda f: np.nanmin([f.lift_s, f.contact_s]))


def _landing(
    lead: np.ndarray,
    t: np.ndarray,
    al: int,
    bl: int,
    rest_until: int,
    settle: int,
    near: int,
    opts: LeapfrogOptions,
) -> list[SwingFit]:
    """The contact alone of the foremost track's move over rows [al, bl), resting until
    ``rest_until``: a swing whose lift was not seen."""
    end_level = segment_median(lead, bl, min(rest_until, bl + settle))
    hi = min(bl + near, len(lead))
    if not np.isfinite(end_level) or hi - al < 4:
        return []
    c, _ = fit_arrival(
        t[al:hi], lead[al:hi], end_level, float(t[bl]), opts.search_s, powers=opts.powers
    )
    return [SwingFit(lift_s=float("nan"), contact_s=c, rms=float("nan"))]


def _closing_arrival(
    fit: SwingFit,
    lead: np.ndarray,
    trail: np.ndarray,
    t: np.ndarray,
    at: int,
    bt: int,
    rest_until: int,
    fps: float,
    opts: LeapfrogOptions,
) -> SwingFit:
    """A closing step's contact followed past where the hindmost track stops.

    The hindmost track follows the closing foot only until it draws level with the other one,
    and feet closed side by side are level only at the very end, within the landmark noise: the
    track can stop several frames before the foot does. ``lead + trail`` is both feet wherever
    each is, so minus the resting foot's place it is the closing foot itself: its move ends
    where its speed drops below ``hold_fraction`` of its peak, and the arrival is fitted there.
    The lift stays the hindmost track's, before the feet come level.
    """
    if bt - at < 2:
        return fit
    settle = max(int(round(opts.settle_s * fps)), 2)
    resting = segment_median(lead, max(at - settle, 0), at)
    swing = lead + trail - resting
    v = np.gradient(swing) * fps
    peak = at + int(np.nanargmax(v[at:bt]))
    stop = bt
    while stop + 1 < rest_until and v[stop] > opts.hold_fraction * v[peak]:
        stop += 1
    min_rest = max(int(round(opts.min_rest_s * fps)), 2)
    if stop <= bt or rest_until - stop < min_rest:
        return fit
    end_level = segment_median(swing, stop, min(rest_until, stop + settle))
    hi = min(stop + int(round(0.15 * fps)), rest_until)
    if not np.isfinite(end_level) or hi - peak < 4:
        return fit
    contact, _ = fit_arrival(
        t[peak:hi], swing[peak:hi], end_level, float(t[stop]), opts.search_s, powers=opts.powers
    )
    return SwingFit(lift_s=fit.lift_s, contact_s=max(contact, fit.contact_s), rms=fit.rms)


def _foot_shift(
    lead: np.ndarray, trail: np.ndarray, t: np.ndarray, lift_s: float, contact_s: float, window: int
) -> float:
    """How far the swinging foot moved along travel from its lift to its contact, body heights,
    from one point kind's foremost and hindmost tracks (T,): while one foot rests, lead + trail
    is the swinging foot plus a constant, whichever foot is in front. Levels are medians over
    ``window`` rows before the lift and after the contact (both feet rest then). NaN if an end is
    not seen."""
    if not np.isfinite([lift_s, contact_s]).all():
        return float("nan")
    both = lead + trail
    i, j = np.searchsorted(t, [lift_s, contact_s])
    return segment_median(both, j, j + window) - segment_median(both, i - window, i)


def _rigid(
    pair: tuple[SwingFit | None, SwingFit | None],
    tracks: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    t: np.ndarray,
    window: int,
) -> bool:
    """Whether a swing is a move of a whole foot. Heel and toe are one rigid foot: a swing seen
    in one kind's tracks only must show in the other kind's as a shift of at least half its
    length (the rest is the foot's roll and the noise), else it is the pose model's foot point
    creeping (the toe slides along the sole while the foot rolls flat or stands). A fitted lift
    after the contact is no swing either."""
    h, f = pair
    g = h or f
    if g is None or (np.isfinite([g.lift_s, g.contact_s]).all() and g.lift_s >= g.contact_s):
        return False
    if h is not None and f is not None:
        return True
    own, other = (tracks[0], tracks[1]) if h is not None else (tracks[1], tracks[0])
    shift = _foot_shift(*own, t, g.lift_s, g.contact_s, window)
    seen = _foot_shift(*other, t, g.lift_s, g.contact_s, window)
    return not np.isfinite([shift, seen]).all() or seen >= 0.5 * shift


def _room_for_lone_swings(
    pairs: list[tuple[SwingFit | None, SwingFit | None]],
) -> list[tuple[SwingFit | None, SwingFit | None]]:
    """Drop swings seen in one point kind only that do not fit between the swings seen in both
    around them: one foot is in the air at a time, so a lone swing needs the time from the
    previous paired swing's contact to the next one's lift. Shorter, it is the pose model's
    foot point moving during double support (the toe point sliding as the foot rolls onto it
    before it leaves), not a step."""
    paired = [(h, f) for h, f in pairs if h is not None and f is not None]
    # fmin/fmax ignore an end one kind did not see (NaN stays NaN only when both missed it).
    ends = [(np.fmin(h.lift_s, f.lift_s), np.fmax(h.contact_s, f.contact_s)) for h, f in paired]

    def fits(g: SwingFit) -> bool:
        if not np.isfinite([g.lift_s, g.contact_s]).all():
            return True  # an end not seen: nothing to measure the room against
        mid = 0.5 * (g.lift_s + g.contact_s)
        free_from = max((c for _, c in ends if c <= mid), default=-np.inf)
        free_until = min((a for a, _ in ends if a >= mid), default=np.inf)
        return free_until - free_from >= g.contact_s - g.lift_s

    return [(h, f) for h, f in pairs if (h is not None and f is not None) or fits(h or f)]


def _combine(pairs: list[tuple[SwingFit | None, SwingFit | None]]) -> list[tuple[float, float]]:
    """One (lift, contact) per swing from the heel's and the toe's: the foot lands with the
    first of its points to land and leaves with the last to leave. Where one kind is first
    throughout the walk (toe walking backward, heel forward) its estimate times every swing
    unless the other's is earlier beyond the noise; where neither is, estimates that agree
    within the noise measure one moment and are averaged (the earlier of two noisy estimates
    would time every contact early). See :func:`~vision.gait.swing_fit.merge_kinds`. An end
    not seen is NaN.

    A closing step's contact is the mean of the two kinds': the feet end side by side, where the
    pose model draws the two feet's points together, and one kind of the closing foot snaps onto
    the resting foot before it arrives. On the rendered side walks of bench/accuracy.py the
    earliest kind timed the closing contact 3-7 frames early on 4 of 5 walks (one kind early, the
    other 1-6 frames late); the true foot points put both within 1.4 frames."""
    both = [(h, f) for h, f in pairs if h is not None and f is not None]
    dc = np.array([f.contact_s - h.contact_s for h, f in both])
    dl = np.array([h.lift_s - f.lift_s for h, f in both])  # last to leave = first backwards
    first, last = leading_kind(dc), leading_kind(dl)
    noise_c, noise_l = difference_noise(dc), difference_noise(dl)
    out = []
    for h, f in pairs:
        if h is None or f is None:
            g = h or f
            out.append((g.lift_s, g.contact_s))
            continue
        lift = merge_kinds((h.lift_s, f.lift_s), last, noise_l, earliest=False)
        if (h.closing or f.closing) and np.isfinite([h.contact_s, f.contact_s]).all():
            out.append((lift, 0.5 * (h.contact_s + f.contact_s)))
            continue
        out.append((lift, merge_kinds((h.contact_s, f.contact_s), first, noise_c, earliest=True)))
    return out


def leapfrog_events(
    points: np.ndarray,
    labelled: np.ndarray,
    t_s: np.ndarray,
    frame_index: np.ndarray,
    travel_sign: np.ndarray,
    body_height_px: float,
    frontal: bool,
    options: LeapfrogOptions | None = None,
) -> list[Event]:
    """Contacts and lifts of a walk.

    Args:
        points: (T, 2, >=2, 2) foot points in pixels, [foot] x [heel, toe, ...] x (x, y), in
            any left/right order (labels are not trusted).
        labelled: the same with the pose model's (repaired) left/right order, to name the feet.
        t_s, frame_index: (T,) frame times (s) and video frame numbers.
        travel_sign: (T,) +1/-1 direction of travel along the travel axis (0 is not allowed:
            fill standing frames with the nearest walking frame's sign).
        body_height_px: the subject's apparent height, pixels.
        frontal: front or back view (the travel axis is then image y).
    """
    opts = options or LeapfrogOptions()
    if frontal:
        opts = replace(opts, min_move_bh=opts.min_move_frontal_bh)
    fps = frame_rate(t_s)
    axis = travel_axis(points[:, :, :2], frontal)
    lead, trail = order_tracks(points, axis, travel_sign.astype(float), body_height_px)
    # A foot lost for a frame or two (a glitch, not an exit) must not cut the walk in pieces.
    lead = fill_short_gaps(lead, opts.max_gap_s * fps)
    trail = fill_short_gaps(trail, opts.max_gap_s * fps)
    ok = np.isfinite(lead).all(axis=1) & np.isfinite(trail).all(axis=1)
    settle = max(int(round(opts.settle_s * fps)), 1)
    contacts: list[tuple[float, int]] = []
    lifts: list[float] = []
    # Each run of one travel sign without missing feet is analysed on its own (a turn or a
    # change from forward to backward walking reverses what "foremost" means).
    change = np.flatnonzero(np.diff(travel_sign) != 0) + 1
    for a0, b0 in true_runs(ok):
        bounds = [a0, *[c for c in change if a0 < c < b0], b0]
        for a, b in zip(bounds, bounds[1:], strict=False):
            if b - a < 8:
                continue
            t = t_s[a:b]
            smooth = [
                median_lowpass(track[a:b, k], fps, opts.cutoff_hz, opts.median_s)
                for track in (lead, trail)
                for k in (HEEL, TOE)
            ]
            entered = a == a0 and a0 > 0
            heel = _swings(smooth[0], smooth[2], t, fps, opts, entered)
            toe = _swings(smooth[1], smooth[3], t, fps, opts, entered)
            pairs = pair_swings(heel, toe, opts.pair_s)
            tracks = ((smooth[0], smooth[2]), (smooth[1], smooth[3]))
            pairs = [p for p in pairs if _rigid(p, tracks, t, settle)]
            pairs = _room_for_lone_swings(pairs)
            for lift_s, contact_s in _combine(pairs):
                if np.isfinite(contact_s):
                    contacts.append((contact_s, a + int(np.searchsorted(t, contact_s))))
                if np.isfinite(lift_s):
                    lifts.append(lift_s)
    contacts.sort()
    lifts.sort()
    feet = _name_feet(contacts, labelled, axis, travel_sign)
    events = [
        event_at(te, t_s, frame_index, foot, "contact")
        for (te, _), foot in zip(contacts, feet, strict=True)
    ]
    lift_feet = name_lifts(lifts, [tc for tc, _ in contacts], feet, opts.min_swing_s)
    events += [
        event_at(te, t_s, frame_index, foot, "lift")
        for te, foot in zip(lifts, lift_feet, strict=True)
    ]
    return sorted(events, key=lambda e: (e.t_s, e.type))


def name_lifts(
    lifts_s: list[float], contacts_s: list[float], contact_feet: list[Foot], min_swing_s: float
) -> list[Foot]:
    """The foot of each lift (times in seconds, ``contacts_s`` sorted with their feet).

    The foot that lifts is the one that lands next, at least ``min_swing_s`` later: a lift found
    too early, just before the other foot lands, belongs to the next swing (a swing that short
    is not walking). With no such landing, the lift is not the last foot to land's.
    """
    out: list[Foot] = []
    for te in lifts_s:
        k = int(np.searchsorted(contacts_s, te + min_swing_s, side="right"))
        if k < len(contacts_s):
            out.append(contact_feet[k])
        else:
            out.append(other_foot(contact_feet[-1]) if contact_feet else "left")
    return out


def _name_feet(
    contacts: list[tuple[float, int]],
    labelled: np.ndarray,
    axis: np.ndarray,
    travel_sign: np.ndarray,
) -> list[Foot]:
    """Alternate left/right along the contacts, in the phase most labels agree with: at each
    contact, the labelled foot whose toe is foremost over the next few frames votes."""
    votes = []
    for _, r in contacts:
        rows = slice(r, min(r + 6, len(labelled)))
        along = (labelled[rows, :, 1, :] @ axis) * travel_sign[rows, None]
        ahead = np.nanmean(along, axis=0) if np.isfinite(along).any() else np.full(2, np.nan)
        votes.append(0 if not np.isfinite(ahead).all() else (1 if ahead[1] > ahead[0] else -1))
    # +1 votes "right", -1 "left"; phase p: contact k is right when (k + p) is even.
    score = [sum(v * (1 if (k + p) % 2 == 0 else -1) for k, v in enumerate(votes)) for p in (0, 1)]
    p = int(np.argmax(score))
    return ["right" if (k + p) % 2 == 0 else "left" for k in range(len(contacts))]
