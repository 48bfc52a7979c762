import CClang
import ABIModel
