"""The build compiles the translation catalogues (.po -> .mo) before copying the package, so
``pip install .``, ``pip install -e .`` and ``make`` all ship them (lantern/core/catalogues.py)."""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class build_py_with_catalogues(build_py):  # noqa: N801 (setuptools' naming)
    def run(self):
        path = HERE / "src" / "lantern" / "core" / "catalogues.py"
        spec = importlib.util.spec_from_file_location("lantern_catalogues", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.compile_all(HERE / "src" / "lantern")
        super().run()


setup(cmdclass={"build_py": build_py_with_catalogues})
