package main

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const jwtSecret = "gin-api-signing-k3y-2024"

func issue(user string) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": user, "exp": time.Now().Add(time.Hour).Unix()})
	return t.SignedString([]byte(jwtSecret))
}

func verify(tok string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tok, claims, func(t *jwt.Token) (interface{}, error) {
		return []byte(jwtSecret), nil
	})
	return claims, err
}
