// Package hook makes pipeguard a git pre-push check: Install and Uninstall
// manage the hook script, Plan works out exactly which commits a push
// sends, and Run scans them with the same configuration, suppressions and
// gate as CI, then tells the user what blocks the push and how to fix it.
package hook
