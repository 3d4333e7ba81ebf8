# METADATA
# title: Container runs its command as root
# description: |
#   The final stage of a Dockerfile sets the command the container runs
#   (CMD or ENTRYPOINT) and runs it as root: no USER instruction in that
#   stage or in the stage it builds on, or a USER root / USER 0 last. A
#   process that is compromised then owns the container, and any volume or
#   socket mounted into it. Not reported: files for development, tests or
#   examples (Dockerfile.dev, docker/dev/), or built for development only
#   though not named so (compose builds it only from development or test
#   compose files, or only an earlier stage with target: development, while
#   a production twin such as Dockerfile.prod sets USER or the production
#   compose files build other images), images whose base runs as
#   another user by default (distroless :nonroot, Chainguard,
#   *-unprivileged, Keycloak, Bitnami, Jupyter, Grafana), and stages that set no command of their own (a
#   database or proxy image whose own entrypoint drops privileges), nor
#   commands that drop privileges themselves (gosu, su-exec, setpriv,
#   runuser). A compose user: or Kubernetes runAsUser set elsewhere also
#   fixes it; the rule cannot see those.
# related_resources:
#   - ref: https://docs.docker.com/build/building/best-practices/#user
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html#rule-2-set-a-user
# custom:
#   id: dockerfile-root-user
#   severity: medium
#   confidence: medium
#   remediation: Create an unprivileged user in the final stage (RUN useradd --system app) and switch to it with USER app before CMD.
#   tags: [deployment, docker]
package pipeguard.rules.dockerfile_root_user

import data.pipeguard.lib

# steps maps each Dockerfile to its instructions in line order (an
# indexed comprehension: one pass over the entries for all files).
steps := {path: sort([[d.line, d.instruction, d.args] |
	some d in input.dockerfile
	d.path == path
]) |
	some e in input.dockerfile
	path := e.path
}

# stages are a file's FROM lines, each [line, image, name].
stages(path) := [[s[0], lower(s[2][0]), stage_name(s[2])] |
	some s in steps[path]
	s[1] == "FROM"
	count(s[2]) > 0
]

stage_name(args) := lower(args[2]) if {
	count(args) >= 3
	upper(args[1]) == "AS"
} else := ""

# in_stage: the instructions of the stage that starts at from_line.
in_stage(path, from_line) := [s |
	some s in steps[path]
	s[0] > from_line
	not later_from(path, from_line, s[0])
]

later_from(path, from_line, line) if {
	some st in stages(path)
	st[0] > from_line
	st[0] <= line
}

# user_set: the last USER of a stage, if any.
user_set(path, from_line) := users[count(users) - 1] if {
	users := [lower(s[2][0]) | some s in in_stage(path, from_line); s[1] == "USER"; count(s[2]) > 0]
	count(users) > 0
}

# parent is the stage a FROM builds on, when it names an earlier stage.
parent(path, image) := st if {
	some st in stages(path)
	st[2] != ""
	st[2] == image
}

# user is the user a stage's command runs as: its own last USER, else
# that of the stage it builds on (two levels), else "" (the base image's
# default, root for nearly every image).
user(path, st) := u if {
	u := user_set(path, st[0])
} else := u if {
	p := parent(path, st[1])
	u := user_set(path, p[0])
} else := u if {
	p := parent(path, st[1])
	pp := parent(path, p[1])
	u := user_set(path, pp[0])
} else := ""

# base_image is the image a stage finally comes from (through two levels
# of stages).
base_image(path, st) := pp[1] if {
	p := parent(path, st[1])
	pp := parent(path, p[1])
} else := p[1] if {
	p := parent(path, st[1])
} else := st[1]

root_user(u) if u in {"", "root", "0"}

root_user(u) if startswith(u, "root:")

root_user(u) if startswith(u, "0:")

# nonroot_base: images that run as another user by default (distroless
# :nonroot, Chainguard, *-unprivileged and rootless variants, Keycloak,
# Bitnami, the Jupyter docker-stacks, Grafana, Prometheus).
nonroot_base(image) if regex.match(`(:nonroot|-nonroot|chainguard|cgr\.dev/|unprivileged|rootless|keycloak|bitnami/|jupyter/|grafana/grafana|^prom/)`, image)

# command is the CMD or ENTRYPOINT of the final stage: the stage runs a
# command of the project.
command(path, st) := c if {
	cs := [s | some s in in_stage(path, st[0]); s[1] in {"CMD", "ENTRYPOINT"}]
	count(cs) > 0
	c := cs[count(cs) - 1]
}

drops_privileges(path, st) if {
	some s in in_stage(path, st[0])
	s[1] in {"CMD", "ENTRYPOINT"}
	some a in s[2]
	regex.match(`(^|/)(gosu|su-exec|setpriv|runuser|s6-setuidgid|chpst)$`, a)
}

deny contains f if {
	some path, _ in steps
	not lib.dev_file(path)
	not dev_image(path)
	not lib.is_test(path)
	not lib.example_code(path)
	all := stages(path)
	count(all) > 0
	final := all[count(all) - 1]
	c := command(path, final)
	not nonroot_base(base_image(path, final))
	not drops_privileges(path, final)
	u := user(path, final)
	root_user(u)
	f := object.union(lib.report(path, c[0], message(u, c[1], final[0]), "root"), {"confidence": confidence(u)})
}

# dev_image: a Dockerfile the repository builds for development only,
# though its name does not say so. No compose file outside development
# builds its final stage (compose builds it for development or tests, or
# only an earlier stage such as target: development), and either it has a
# production twin beside it whose command does not run as root
# (queue.dockerfile and queue.dockerfile.prod, Dockerfile and
# Dockerfile.prod), or the compose files for production build other images.
dev_image(path) if {
	not production_build(path)
	prod_twin(path)
}

dev_image(path) if {
	some b in input.compose_builds
	b.dockerfile == path
	not production_build(path)
	some other in input.compose_builds
	other.dockerfile != path
	other.dockerfile in object.keys(steps)
	production_build(other.dockerfile)
}

# production_build: a compose file not meant for development builds the
# final stage of the Dockerfile at path.
production_build(path) if {
	some b in input.compose_builds
	b.dockerfile == path
	not lib.dev_file(b.path)
	builds_final(path, lower(object.get(b, "target", "")))
}

builds_final(_, "")

builds_final(path, target) if {
	all := stages(path)
	all[count(all) - 1][2] == target
}

# prod_twin: a Dockerfile beside path named as its production version
# (Dockerfile.prod, Dockerfile-production, prod.Dockerfile) whose final
# stage runs its command as another user than root.
prod_twin(path) if {
	dir := trim_suffix(path, base(path))
	some name in twin_names(base(path))
	twin := concat("", [dir, name])
	twin != path
	steps[twin]
	twin_stages := stages(twin)
	final := twin_stages[count(twin_stages) - 1]
	not runs_as_root(twin, final)
}

base(path) := parts[count(parts) - 1] if parts := split(path, "/")

twin_names(name) := {n |
	some p in {"prod", "production"}
	some n in {concat(".", [name, p]), concat("-", [name, p]), concat("_", [name, p]), concat(".", [p, name])}
}

# runs_as_root: the stage st runs its command as root (or sets none: the
# base image's user, root for nearly every image).
runs_as_root(path, st) if {
	not nonroot_base(base_image(path, st))
	not drops_privileges(path, st)
	root_user(user(path, st))
}

message("", instr, from_line) := sprintf("%s runs as root: the final stage (FROM at line %d) sets no USER", [instr, from_line])

message(u, instr, _) := sprintf("%s runs as root: the final stage switches to USER %s", [instr, u]) if u != ""

# An explicit USER root is certain; without USER, the base image's
# default user decides, and that is root for nearly every image.
confidence("") := "medium"

confidence(u) := "high" if u != ""
