// A C++ program for the cross-built test package: exceptions need libgcc_s.
#include <iostream>
#include <stdexcept>

int main()
{
	try {
		throw std::runtime_error("caught");
	} catch (const std::exception &e) {
		std::cout << "C++ " << e.what() << '\n';
	}
	return 0;
}
