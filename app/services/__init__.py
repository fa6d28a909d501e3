"""Domain operations. Each write is one function, one transaction; none knows HTTP or HTML."""
