package hook

import (
	"path"
	"strings"
)

// IsConfigPath reports whether a change to path calls for the config
// scanner: Python and Go sources and the deployment files it reads (.env files,
// Dockerfiles, docker-compose files, Procfile, nginx configuration,
// requirements files and pyproject.toml).
func IsConfigPath(p string) bool {
	base := strings.ToLower(path.Base(p))
	switch path.Ext(base) {
	case ".py", ".pyi", ".go":
		return true
	}
	switch {
	case base == ".env" || strings.HasPrefix(base, ".env."),
		base == "dockerfile" || strings.HasPrefix(base, "dockerfile.") || strings.HasSuffix(base, ".dockerfile"),
		(strings.HasPrefix(base, "docker-compose") || strings.HasPrefix(base, "compose")) && isYAML(base),
		base == "procfile",
		base == "nginx.conf" || strings.Contains(p, "nginx") && strings.HasSuffix(base, ".conf"),
		isRequirements(base),
		base == "pyproject.toml":
		return true
	}
	return false
}

// IsManifestPath reports whether a change to path calls for the deps
// scanner: a Go module or workspace file, or a Python manifest or lockfile.
func IsManifestPath(p string) bool {
	base := path.Base(p)
	switch base {
	case "go.mod", "go.sum", "go.work", "go.work.sum",
		"poetry.lock", "uv.lock", "Pipfile", "Pipfile.lock", "pdm.lock", "pylock.toml", "pyproject.toml":
		return true
	}
	return isRequirements(strings.ToLower(base)) || strings.HasPrefix(base, "pylock.") && strings.HasSuffix(base, ".toml")
}

func isRequirements(base string) bool {
	return strings.HasPrefix(base, "requirements") && (strings.HasSuffix(base, ".txt") || strings.HasSuffix(base, ".in"))
}

func isYAML(base string) bool {
	return strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml")
}

// isLocalDB reports whether a database location is on this machine (a
// path or a file:// URL), so that using it cannot wait on the network.
func isLocalDB(loc string) bool {
	if loc == "" {
		return false
	}
	if strings.HasPrefix(loc, "file://") {
		return true
	}
	return !strings.Contains(loc, "://")
}
