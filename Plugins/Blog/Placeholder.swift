enum BlogPlaceholder {}
