package secrets

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
)

// TestDefaultConfigDecoders checks that the default configuration decoded
// with BurntSushi/toml is the one gitleaks reads through viper.
func TestDefaultConfigDecoders(t *testing.T) {
	fast, err := decodeDefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	slow, err := viperDefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	if len(fast.Rules) < 200 {
		t.Fatalf("%d rules", len(fast.Rules))
	}
	if !reflect.DeepEqual(fast, slow) {
		for i := range min(len(fast.Rules), len(slow.Rules)) {
			if !reflect.DeepEqual(fast.Rules[i], slow.Rules[i]) {
				t.Errorf("rule %d differs:\ntoml  %+v\nviper %+v", i, fast.Rules[i], slow.Rules[i])
				break
			}
		}
		t.Fatalf("the configurations differ (%d and %d rules)", len(fast.Rules), len(slow.Rules))
	}
}

// viperDefaultConfig reads the default configuration as gitleaks does,
// through viper.
func viperDefaultConfig() (config.ViperConfig, error) {
	var vc config.ViperConfig
	v := viper.New()
	v.SetConfigType("toml")
	if err := v.ReadConfig(strings.NewReader(config.DefaultConfig)); err != nil {
		return vc, fmt.Errorf("read gitleaks default config: %w", err)
	}
	if err := v.Unmarshal(&vc); err != nil {
		return vc, fmt.Errorf("read gitleaks default config: %w", err)
	}
	return vc, nil
}
