"""Built-in readers. Each module registers through the ``opedexport.readers`` entry-point group."""
