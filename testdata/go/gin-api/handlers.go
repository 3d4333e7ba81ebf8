package main

import (
	"database/sql"
	"fmt"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
)

type handlers struct {
	db *sql.DB
}

type item struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

func dsn() string { return os.Getenv("DATABASE_URL") }

func (h *handlers) item(c *gin.Context) {
	query := fmt.Sprintf("SELECT id, name FROM items WHERE id = '%s'", c.Param("id"))
	var it item
	if err := h.db.QueryRow(query).Scan(&it.ID, &it.Name); err != nil {
		c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
		return
	}
	c.JSON(http.StatusOK, it)
}

type credentials struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

func (h *handlers) login(c *gin.Context) {
	var in credentials
	if err := c.ShouldBindJSON(&in); err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	tok, err := issue(in.User)
	if err != nil {
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.SetCookie("session_token", tok, 3600, "/", "", false, true)
	c.Status(http.StatusNoContent)
}

func (h *handlers) me(c *gin.Context) {
	tok, err := c.Cookie("session_token")
	if err != nil {
		c.AbortWithStatus(http.StatusUnauthorized)
		return
	}
	claims, err := verify(tok)
	if err != nil {
		c.AbortWithStatus(http.StatusUnauthorized)
		return
	}
	c.JSON(http.StatusOK, claims)
}
