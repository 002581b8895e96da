"""A pod as the Pod Security controls see it, and the registry of controls.

Each control is a small function ``control(pod, level) -> violations``, registered under the name
that the rules' ``params.control`` gives (``@control("privileged")``), as upstream has one
check_*.go file per control.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s.podsecurity import NEWEST_POLICY
from kubelint.model import Path


@dataclass
class Pod:
    """One pod spec with its paths, and the facts several controls share."""

    spec: dict
    path: Path                      # of the pod spec inside the resource
    metadata: dict
    metadata_path: Path
    version: int = NEWEST_POLICY

    @property
    def security_context(self) -> dict:
        value = self.spec.get("securityContext")
        return value if isinstance(value, dict) else {}

    @property
    def windows(self) -> bool:
        # From policy 1.25, pods with spec.os.name: windows are exempt from the Linux-only controls.
        os_spec = self.spec.get("os")
        return self.version >= 25 and isinstance(os_spec, dict) and os_spec.get("name") == "windows"

    @property
    def user_namespace(self) -> bool:
        # KEP-127: hostUsers: false relaxes runAsNonRoot, runAsUser and baseline procMount from 1.35.
        return self.version >= 35 and self.spec.get("hostUsers") is False

    def containers(self) -> list[tuple[Path, dict, dict]]:
        """(path, container, its securityContext) of init, regular and ephemeral containers."""
        found = self.__dict__.get("_containers")
        if found is None:
            found = self.__dict__["_containers"] = [
                (path, container, context if isinstance(context := container.get("securityContext"), dict) else {})
                for path, container in k8s.containers(self.spec, self.path)]
        return found

    def security_contexts(self) -> list[tuple[Path, dict, str]]:
        """The pod's securityContext and each container's, with their paths and who they belong to."""
        found = self.__dict__.get("_contexts")
        if found is None:
            found = [(self.path + ("securityContext",), self.security_context, "the pod")]
            found += [(path + ("securityContext",), context, name_of(container))
                      for path, container, context in self.containers()]
            self.__dict__["_contexts"] = found
        return found


def name_of(container: dict) -> str:
    name = container.get("name")
    return f'container "{name}"' if isinstance(name, str) else "a container"


#: A violation: (level it belongs to, path, what is wrong, how to fix it).
Violation = tuple[str, Path, str, str]
Control = Callable[[Pod, str], Iterator[Violation]]

#: the controls by name, in the order they are registered
CONTROLS: dict[str, Control] = {}


def control(name: str) -> Callable[[Control], Control]:
    """Register the decorated function as the control ``name`` (a rule's ``params.control``)."""
    def register(function: Control) -> Control:
        if name in CONTROLS:
            raise ValueError(f"control {name!r} registered twice")
        CONTROLS[name] = function
        return function
    return register


def quoted(names: list) -> str:
    """"a", "b": container names once each, in order."""
    return ", ".join(f'"{n}"' for n in dict.fromkeys(n for n in names if isinstance(n, str)))


def volumes(pod: Pod) -> Iterator[tuple[int, dict]]:
    volumes = pod.spec.get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else []):
        if isinstance(volume, dict):
            yield index, volume


def security_contexts(pod: Pod) -> list[tuple[Path, dict, str]]:
    return pod.security_contexts()


def seccomp_type(context: dict):
    profile = context.get("seccompProfile")
    return profile.get("type") if isinstance(profile, dict) else None
