#!/usr/bin/env python3
"""gpuhub's reference trainer: a stand-in for a data-parallel training job (SPEC section 5).

It does what a real replica does with respect to the scheduler, with synthetic numbers instead of a
model: reads its place in the job from the environment the scheduler gives every replica, resumes
from the job's checkpoint, "trains" (sleeps one synthetic step at a time), reports step time, sync
time, local batch and gradient statistics to the hub every few steps (replica 0 only), checkpoints,
and exits 0 once the job has made enough progress (replica 0 reports done first).

Synthetic model (Pollux's, gamma = 1), with B = GPUHUB_STEP_SECONDS, m0 = initial batch size:
  T_grad = 0.1 B + 0.9 B * local_batch / m0          (B seconds at the initial batch on one GPU)
  T_sync = 0 on one GPU; 0.02 B (1 + 0.1 (K-2)) on one node; 0.05 B (1 + 0.2 (K-2)) across nodes
  efficiency(m) = (phi + m0) / (phi + m), phi = m0 * grad_var / grad_sqr
  progress per step = m * efficiency(m) / m0          (steps at the initial batch size)

Environment (set by the scheduler): GPUHUB_JOB_ID RANK WORLD_SIZE GPUHUB_NUM_NODES MASTER_ADDR
MASTER_PORT GPUHUB_REPORT_URL GPUHUB_REPORT_TOKEN GPUHUB_BATCH_SIZE GPUHUB_LOCAL_BATCH_SIZE
GPUHUB_INITIAL_BATCH_SIZE GPUHUB_CHECKPOINT_DIR. Knobs, as options or variables (defaults):
--steps / GPUHUB_TRAIN_STEPS (200: work, in steps at the initial batch size), --step-seconds /
GPUHUB_STEP_SECONDS (0.05), --report-every / GPUHUB_REPORT_EVERY (5), GPUHUB_GRAD_SQR (1),
GPUHUB_GRAD_VAR (4). Python 3 standard library only. Example job command:
  python3 reference-trainer.py --steps 500 --step-seconds 0.05
"""

import argparse
import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request


def env_int(name, default):
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def env_float(name, default):
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


JOB = os.environ.get("GPUHUB_JOB_ID", "?")
RANK = env_int("RANK", 0)
WORLD = max(env_int("WORLD_SIZE", 1), 1)
NODES = max(env_int("GPUHUB_NUM_NODES", 1), 1)
M0 = max(env_int("GPUHUB_INITIAL_BATCH_SIZE", env_int("GPUHUB_BATCH_SIZE", 32)), 1)
BATCH = max(env_int("GPUHUB_BATCH_SIZE", M0), 1)
LOCAL = max(env_int("GPUHUB_LOCAL_BATCH_SIZE", -(-BATCH // WORLD)), 1)
_options = argparse.ArgumentParser(description="gpuhub reference trainer (synthetic)")
_options.add_argument("--steps", type=float, default=env_float("GPUHUB_TRAIN_STEPS", 200))
_options.add_argument("--step-seconds", type=float, default=env_float("GPUHUB_STEP_SECONDS", 0.05))
_options.add_argument("--report-every", type=int, default=env_int("GPUHUB_REPORT_EVERY", 5))
_args = _options.parse_args()
TARGET = _args.steps
BASE = _args.step_seconds
EVERY = max(_args.report_every, 1)
GRAD_SQR = env_float("GPUHUB_GRAD_SQR", 1.0)
GRAD_VAR = env_float("GPUHUB_GRAD_VAR", 4.0)
CKPT_DIR = os.environ.get("GPUHUB_CHECKPOINT_DIR", "/tmp/gpuhub-trainer-" + JOB)
CKPT = os.path.join(CKPT_DIR, "progress.json")
REPORT_URL = os.environ.get("GPUHUB_REPORT_URL")
TOKEN = os.environ.get("GPUHUB_REPORT_TOKEN", "")


def log(message):
    print("[job %s rank %d/%d] %s" % (JOB, RANK, WORLD, message), flush=True)


def grad_time():
    return 0.1 * BASE + 0.9 * BASE * LOCAL / M0


def sync_time():
    if WORLD == 1:
        return 0.0
    extra = max(WORLD - 2, 0)
    return 0.02 * BASE * (1 + 0.1 * extra) if NODES == 1 else 0.05 * BASE * (1 + 0.2 * extra)


def efficiency(m):
    phi = M0 * GRAD_VAR / GRAD_SQR if GRAD_SQR > 0 else float("inf")
    return 1.0 if phi == float("inf") else (phi + M0) / (phi + m)


def load_progress():
    try:
        with open(CKPT) as f:
            return float(json.load(f)["progress"])
    except (OSError, ValueError, KeyError):
        return 0.0


def save_progress(progress):
    os.makedirs(CKPT_DIR, exist_ok=True)
    tmp = CKPT + ".tmp-%d" % os.getpid()
    with open(tmp, "w") as f:
        json.dump({"progress": progress, "world_size": WORLD, "batch_size": BATCH}, f)
    os.replace(tmp, CKPT)


def report(step_time, sync, progress, done):
    if not REPORT_URL:
        return
    body = json.dumps({"step_time": step_time, "sync_time": sync, "local_batch": LOCAL,
                       "grad_sqr": GRAD_SQR, "grad_var": GRAD_VAR, "progress": progress,
                       "done": done}).encode()
    request = urllib.request.Request(REPORT_URL, data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": "Bearer " + TOKEN})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            answer.read()
    except urllib.error.HTTPError as e:
        log("report refused: %d %s" % (e.code, e.read().decode(errors="replace")))
    except (urllib.error.URLError, OSError) as e:
        log("report failed: %s" % e)


def main():
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    progress = load_progress()
    per_step = BATCH * efficiency(BATCH) / M0
    log("resuming at progress %.1f of %.1f: batch %d (local %d), %d node(s), master %s:%s"
        % (progress, TARGET, BATCH, LOCAL, NODES, os.environ.get("MASTER_ADDR", "-"),
           os.environ.get("MASTER_PORT", "-")))
    steps = 0
    window_time = 0.0
    while progress < TARGET and not stopping:
        started = time.monotonic()
        time.sleep(grad_time() + sync_time())
        window_time += time.monotonic() - started
        progress = min(TARGET, progress + per_step)
        steps += 1
        if RANK == 0 and (steps % EVERY == 0 or progress >= TARGET):
            save_progress(progress)
            measured = window_time / (steps % EVERY or EVERY)
            report(measured, min(sync_time(), measured), progress, progress >= TARGET)
            window_time = 0.0
    if stopping:
        if RANK == 0:
            save_progress(progress)
        log("stopped at progress %.1f" % progress)
        return 143
    log("done at progress %.1f after %d steps here" % (progress, steps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
