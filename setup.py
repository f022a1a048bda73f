"""Build hook (the rest of the configuration is in pyproject.toml): a wheel carries the folders
rspcheck ships beside its code (report templates, policies, the worked example, schemas) as
``checker/_shipped/NAME``, where :mod:`checker.files.shipped` finds them in an ordinary install."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("reports", "policies", "examples", "schemas")  # = checker.files.shipped.SHIPPED


class BuildPyWithShipped(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's own folders
        for name in SHIPPED:
            target = Path(self.build_lib) / "checker" / "_shipped" / name
            target.mkdir(parents=True, exist_ok=True)
            for source in sorted((ROOT / name).iterdir()):
                if source.is_file():
                    shutil.copyfile(source, target / source.name)


setup(cmdclass={"build_py": BuildPyWithShipped})
