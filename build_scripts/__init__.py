"""jianghua: raw Chinese political speeches in, a citable static archive out."""
