# JupyterHub serving Online Lives: every user's server opens the course home in Voila.
#
#     jupyterhub -f deploy/jupyterhub_config.py
#
# See docs/deploy.md. Everything that differs between machines comes from the environment:
#
# ONLINE_LIVES_DB        the shared store, any SQLAlchemy URL. Workshops pool answers across
#                        users, so every user's server must use the same store: PostgreSQL
#                        (postgresql+psycopg://...) when users' servers run on several machines.
#                        Default: the SQLite file in ONLINE_LIVES_DATA (one machine only).
# ONLINE_LIVES_DATA      the data folder (default: $XDG_DATA_HOME/online-lives or ~/.local/share/...)
# ONLINE_LIVES_GRADING   the nbgrader course folder (default: <data folder>/grading)
# ONLINE_LIVES_HUB_IP, ONLINE_LIVES_HUB_PORT   where the hub listens (default 127.0.0.1:8000)
# ONLINE_LIVES_HUB_STATE the hub's own folder: its database and cookie secret
#                        (default: <data folder>/hub)
# ONLINE_LIVES_HUB_AUTH  "pam" (default: the machine's user accounts) or "dummy" with
#                        ONLINE_LIVES_HUB_PASSWORD: one shared password, for tests and trials
# ONLINE_LIVES_HUB_USERS comma-separated user names allowed in (default: any that log in)
# ONLINE_LIVES_HUB_SPAWNER  "local" (default: each user's server runs as that system user) or
#                        "simple" (all as the hub's user, homes under /tmp: for tests only)
# ONLINE_LIVES_CHP       the configurable-http-proxy command (default: found on PATH)
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub's config loader

course_root = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(course_root))
from course import settings  # noqa: E402 - the course's own idea of the data folder

data = settings.data_dir()
state = Path(os.environ.get("ONLINE_LIVES_HUB_STATE", data / "hub"))
state.mkdir(parents=True, exist_ok=True)
scripts = Path(sys.executable).parent

c.JupyterHub.ip = os.environ.get("ONLINE_LIVES_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("ONLINE_LIVES_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
if os.environ.get("ONLINE_LIVES_CHP"):
    c.ConfigurableHTTPProxy.command = [os.environ["ONLINE_LIVES_CHP"]]

# Who may log in.
if os.environ.get("ONLINE_LIVES_HUB_AUTH", "pam") == "dummy":
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = os.environ["ONLINE_LIVES_HUB_PASSWORD"]
users = [u.strip() for u in os.environ.get("ONLINE_LIVES_HUB_USERS", "").split(",") if u.strip()]
if users:
    c.Authenticator.allowed_users = set(users)
else:
    c.Authenticator.allow_all = True

# Every user's server: the course, opened at its home page in Voila.
simple_spawner = os.environ.get("ONLINE_LIVES_HUB_SPAWNER", "local") == "simple"
if simple_spawner:
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(state / "homes" / "{username}")
c.Spawner.cmd = [str(scripts / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = str(course_root)
c.Spawner.default_url = "/voila/render/modules/home.ipynb"
c.Spawner.args = [
    "--VoilaConfiguration.show_tracebacks=False",
    # Voila loads every installed JupyterLab extension into its pages; these two break them.
    "--VoilaConfiguration.extension_denylist=@jupyter/nbgrader",
    "--VoilaConfiguration.extension_denylist=@jupyter-notebook/lab-extension",
    # Voila never shuts a page's kernel down when its tab closes (voila issue 1458).
    "--MappingKernelManager.cull_idle_timeout=600",
    "--MappingKernelManager.cull_interval=60",
    "--MappingKernelManager.cull_connected=False",
]
if simple_spawner and os.geteuid() == 0:
    c.Spawner.args.append("--allow-root")  # tests run as root; the simple spawner runs servers as the hub's user
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# One store and one grading folder for everyone, resolved once here so that every user's
# server agrees whatever its home folder.
c.Spawner.environment = {
    "ONLINE_LIVES_DATA": str(data),
    "ONLINE_LIVES_DB": settings.database_url(),
    "ONLINE_LIVES_GRADING": str(settings.grading_dir()),
    "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}",
}
