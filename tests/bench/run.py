"""`make bench`: serve the site with gunicorn (2 sync workers) on loopback and measure it.

Prints, for the catalogue, a programme page and a session page: requests per second, p50 and
p99 latency under wrk, the ratio to a bare Django view measured in the same run, SQL queries
per page and the median server-side render time. Uses its own throwaway SQLite database.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
DURATION = os.environ.get("BENCH_SECONDS", "10")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not answer in {seconds}s")


def wrk(url):
    result = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    )
    text = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))

    def percentile(name):
        value, unit = re.search(rf"\s{name}%\s+([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rps, percentile("50"), percentile("99"), int(errors.group(1)) if errors else 0


def gunicorn(app, port, env, cwd=ROOT):
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            app,
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=cwd,
        env=env,
        start_new_session=True,
    )


def worker_memory_mb(server):
    children = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
    ).stdout.split()
    total = 0
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total / 1024, len(children)


def in_process_figures(env, paths):
    """Queries and median render time per page, from Django's test client."""
    code = f"""
import statistics, time, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1")
for path in {paths!r}:
    client.get(path)
    times = []
    for _ in range(30):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
    print(path, response.status_code, len(queries), round(statistics.median(times), 1))
"""
    # Render figures are for the uncached page: the whole-page cache is off in this process.
    uncached = {**env, "PAGE_CACHE_SECONDS": "0"}
    output = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=uncached, capture_output=True, text=True, check=True
    ).stdout
    figures = {}
    for line in output.splitlines():
        path, status, queries, ms = line.split()
        figures[path] = (int(status), int(queries), float(ms))
    return figures


def pack_build_figures(env):
    """Build every trainer pack once (timed) and report the largest."""
    code = """
import time, django
django.setup()
from courses import packs
from courses.models import ProgrammePage
largest = None
for programme in ProgrammePage.objects.live().order_by("number"):
    start = time.perf_counter()
    stored = packs.build(programme, packs.Variant.TRAINER)
    seconds = time.perf_counter() - start
    if largest is None or stored.page_count > largest[1]:
        largest = (programme, stored.page_count, seconds)
programme, pages, seconds = largest
print(programme.url + "trainer-pack.pdf", pages, seconds, programme.title, sep="|")
"""
    output = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    url, pages, seconds, title = output.split("|")
    return {"url": url, "pages": int(pages), "seconds": float(seconds), "title": title}


def pdp_figures(env):
    """The PDP home for a learner with 100 goals (5 steps each) and 500 reflections, beside one
    with a single goal: the query count must be the same, whatever the number of records."""
    code = """
import statistics, time, django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from learning_profile import models
User = get_user_model()
def learner(name, goals, reflections):
    user = User.objects.create_user(name, password="bench-only-password")
    for number in range(goals):
        goal = models.Goal.objects.create(owner=user, title=f"Goal {number}", why="It matters")
        models.GoalStep.objects.bulk_create(
            [models.GoalStep(goal=goal, text=f"Step {n}", done=n < 2) for n in range(5)]
        )
    models.Reflection.objects.bulk_create(
        [models.Reflection(owner=user, text=f"Reflection {n} " * 20) for n in range(reflections)]
    )
    return user
for name, goals, reflections in (("small", 1, 1), ("large", 100, 500)):
    user = learner(name, goals, reflections)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for path in ("/en/my/", "/en/my/goals/", "/en/my/reflections/"):
        client.get(path)
        times = []
        for _ in range(10):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
        print(name, path, response.status_code, len(queries), round(statistics.median(times), 1))
"""
    output = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return [line.split() for line in output.splitlines()]


def course_run_figures(env):
    """Close a run of 20 learners who came to every session (issuing 20 certificates), render
    all their certificates as one PDF, and count the trainer dashboard's queries with 20 runs
    and with 1."""
    code = """
import datetime, statistics, time, django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from courses import runs
from courses.certificates import certificates_pdf
from courses.models import Accreditation, CourseRun, Enrolment, ProgrammePage, RunSession
User = get_user_model()
programme = ProgrammePage.objects.live().filter(locale__language_code="en").order_by("number")[0]

def trainer(name):
    user = User.objects.create_user(name, password="bench-only-password")
    Accreditation.objects.create(trainer=user, level=2, observed_on=datetime.date(2026, 1, 1))
    return user

def new_run(lead, learners=()):
    run = CourseRun.objects.create(programme=programme, lead=lead, venue="Hall", capacity=25,
                                   status="open")
    start = timezone.now() - datetime.timedelta(weeks=10)
    for number, session in enumerate(programme.sessions, start=1):
        RunSession.objects.create(run=run, number=number, session=session,
                                  starts_at=start + datetime.timedelta(weeks=number),
                                  duration_minutes=session.duration_minutes)
    for learner in learners:
        runs.enrol(run, learner, Enrolment.Route.ADDED)
    return run

lead = trainer("bench-lead")
learners = [User.objects.create_user(f"bench-learner-{n}", password="x" * 12) for n in range(20)]
run = new_run(lead, learners)
for run_session in run.schedule.all():
    runs.save_register(run_session, {learner.pk for learner in learners}, lead)
start = time.perf_counter()
issued = runs.close_run(run)
issue_seconds = time.perf_counter() - start
start = time.perf_counter()
rendered = certificates_pdf(list(run.certificates.order_by("name")))
render_seconds = time.perf_counter() - start
seconds = (round(issue_seconds, 3), round(render_seconds, 3))
print("certificates", issued, rendered.page_count, *seconds)

def dashboard_queries(user):
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get("/en/trainer/")
    times = []
    for _ in range(10):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get("/en/trainer/")
            times.append((time.perf_counter() - start) * 1000)
    return response.status_code, len(queries), round(statistics.median(times), 1)

busy = trainer("bench-busy")
for _ in range(20):
    new_run(busy, learners[:5])
quiet = trainer("bench-quiet")
new_run(quiet, learners[:5])
for name, user in (("20 runs", busy), ("1 run", quiet)):
    print("dashboard", name.replace(" ", "_"), *dashboard_queries(user))
"""
    output = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return [line.split() for line in output.splitlines()]


def main():
    workdir = Path(tempfile.mkdtemp(prefix="emilia-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "emilia.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "DEBUG": "false",
        "PDP_ENCRYPTION_KEYS": "YmVuY2gtb25seS1rZXktbm90LWZvci1hbnktdXNlISE=",
    }
    env.pop("REDIS_URL", None)
    print("Preparing a throwaway database with the real programmes...", flush=True)
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_content", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    figures_code = (
        "import django; django.setup();"
        "from courses.models import ProgrammePage, SessionPage;"
        "p = ProgrammePage.objects.live().order_by('number').first();"
        "s = SessionPage.objects.child_of(p).live().order_by('number').first();"
        "print(p.url); print(s.url)"
    )
    programme_url, session_url = subprocess.run(
        [PYTHON, "-c", figures_code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    pages = {"catalogue": "/en/programmes/", "programme": programme_url, "session": session_url}
    figures = in_process_figures(env, list(pages.values()))
    build = pack_build_figures(env)
    pages["stored pack"] = build["url"]
    figures[build["url"]] = (200, 0, 0.0)

    site_port, ceiling_port = free_port(), free_port()
    site = gunicorn("emilia.wsgi:application", site_port, env)
    ceiling = gunicorn(
        "ceiling:application",
        ceiling_port,
        {**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
        cwd=Path(__file__).parent,
    )
    try:
        wait_for(f"http://127.0.0.1:{site_port}/healthz")
        wait_for(f"http://127.0.0.1:{ceiling_port}/")
        print(f"gunicorn, 2 sync workers, wrk -t2 -c{CONNECTIONS} -d{DURATION}s, loopback\n")
        ceiling_rps, c50, c99, _ = wrk(f"http://127.0.0.1:{ceiling_port}/")
        header = (
            f"{'page':<12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'x ceiling':>11}"
            f"{'queries':>9}{'render ms':>11}"
        )
        print(header)
        print("-" * len(header))
        print(
            f"{'bare view':<12}{ceiling_rps:>9.0f}{c50:>9.2f}{c99:>9.2f}{1:>11.2f}"
            f"{'-':>9}{'-':>11}"
        )
        for name, path in pages.items():
            rps, p50, p99, errors = wrk(f"http://127.0.0.1:{site_port}{path}")
            status, queries, render_ms = figures[path]
            note = f"  ({errors} non-2xx responses!)" if errors else ""
            print(
                f"{name:<12}{rps:>9.0f}{p50:>9.2f}{p99:>9.2f}{rps / ceiling_rps:>11.2f}"
                f"{queries:>9}{render_ms:>11.1f}{note}"
            )
        print(
            f"\npack build: the largest trainer pack ({build['title']}, {build['pages']} pages) "
            f"took {build['seconds']:.1f} s, {build['pages'] / build['seconds']:.1f} pages/s"
        )
        print(
            "\nPDP pages (in process, median of 10; 'large': 100 goals x 5 steps, 500 reflections)"
        )
        for name, path, status, queries, render_ms in pdp_figures(env):
            print(f"  {name:<6}{path:<22}{status:>5}{queries:>5} queries{render_ms:>9} ms")
        print("\nCourse runs (in process)")
        for row in course_run_figures(env):
            if row[0] == "certificates":
                issued, pages, issue_s, render_s = row[1:]
                total = float(issue_s) + float(render_s)
                print(
                    f"  closing a run of 20 issued {issued} certificates"
                    f" in {float(issue_s):.2f} s;"
                    f" rendering them ({pages} pages) took {float(render_s):.2f} s;"
                    f" {total:.2f} s in all (budget: under 4 s)"
                )
            else:
                _, name, status, queries, render_ms = row
                label = name.replace("_", " ")
                print(
                    f"  trainer dashboard with {label:<8}{status:>5}{queries:>5} queries"
                    f"{render_ms:>9} ms"
                )
        memory, workers = worker_memory_mb(site)
        print(f"\nsite workers: {workers}, resident memory after the run: {memory:.0f} MB in all")
        print("budget: programme and session pages at most 12 queries and 15 ms to render")
        print(
            "wrk figures are for anonymous visitors, served from the whole-page cache; "
            "queries and render ms are for the same page uncached"
        )
    finally:
        for server in (site, ceiling):
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
